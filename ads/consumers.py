"""/ws/ads/<id>/: live events of one ad, for the people who may see them."""

from channels.db import database_sync_to_async

from ads.live import ad_group
from ads.permissions import ad_stream_deliveries
from notifications.consumers import LiveConsumer
from notifications.live_events import Delivery, LiveEvent


class AdConsumer(LiveConsumer):
    def group_for(self) -> str:
        self.ad_id = int(self.scope["url_route"]["kwargs"]["ad_id"])
        return ad_group(self.ad_id)

    async def check(self, event: LiveEvent | None, user_ids: frozenset[int]) -> dict[int, Delivery]:
        conversation_id = event.get("conversation") if event else None
        return await database_sync_to_async(ad_stream_deliveries)(
            user_ids=user_ids, ad_id=self.ad_id, conversation_id=conversation_id
        )
