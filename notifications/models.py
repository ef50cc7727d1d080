# Stored notifications arrive with the live-updates work (issue 3).
