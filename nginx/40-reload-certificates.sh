#!/bin/sh
# Run by the nginx image's entrypoint before nginx starts: reload nginx every
# 12 hours in the background, so certificates certbot renewed are picked up.
(
    while :; do
        sleep 43200
        nginx -s reload
    done
) &
