"""The floor for bench/live.py: a bare `websockets` server with one Redis subscription.

    python bench/live_bare.py --port 9000 --redis redis://127.0.0.1:6379/0 --channel samsam:live

It reads the same envelopes that notifications.live publishes ({"group", "event"}) and
forwards each event to every socket of that group (path /ws/ads/<id>/ is group ad.<id>):
no Django, no authentication, no permission checks. One Redis hop, like production's.
"""

import argparse

import orjson
import uvloop
from redis.asyncio import Redis
from websockets.asyncio.server import ServerConnection, broadcast, serve

rooms: dict[str, set[ServerConnection]] = {}


async def handler(socket: ServerConnection) -> None:
    group = "ad." + socket.request.path.strip("/").split("/")[-1]
    rooms.setdefault(group, set()).add(socket)
    try:
        await socket.wait_closed()
    finally:
        rooms[group].discard(socket)


async def forward(redis_url: str, channel: str) -> None:
    async with Redis.from_url(redis_url).pubsub() as pubsub:
        await pubsub.subscribe(channel)
        async for message in pubsub.listen():
            if message["type"] == "message":
                envelope = orjson.loads(message["data"])
                broadcast(rooms.get(envelope["group"], ()), orjson.dumps(envelope["event"]).decode())


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--channel", required=True)
    args = parser.parse_args()
    async with serve(handler, "127.0.0.1", args.port, ping_interval=None):
        await forward(args.redis, args.channel)


if __name__ == "__main__":
    uvloop.run(main())
