#!/usr/bin/env bash
# Nightly backup: a pg_dump of the database (custom format, compressed) and a
# copy of the uploaded files (applicants' private files, partners' logos);
# keeps KEEP_DAYS days (default 30).
#
#   BACKUP_DIR=/var/backups/copp DATABASE_URL=postgres://... \
#   PRIVATE_MEDIA_ROOT=/srv/copp/private MEDIA_ROOT=/srv/copp/media ops/backup.sh
set -Eeuo pipefail
: "${BACKUP_DIR:?set BACKUP_DIR}"
: "${DATABASE_URL:?set DATABASE_URL}"
KEEP_DAYS=${KEEP_DAYS:-30}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$BACKUP_DIR"
umask 077  # personal data: readable by the backup user only

dump="$BACKUP_DIR/copp-$stamp.dump"
pg_dump --format=custom --compress=6 --no-owner --file="$dump.part" "$DATABASE_URL"
mv "$dump.part" "$dump"
pg_restore --list "$dump" >/dev/null  # the archive is readable

if [ -n "${PRIVATE_MEDIA_ROOT:-}" ] && [ -d "$PRIVATE_MEDIA_ROOT" ]; then
  rsync -a --delete "$PRIVATE_MEDIA_ROOT/" "$BACKUP_DIR/private-$stamp/"
fi

if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  rsync -a --delete "$MEDIA_ROOT/" "$BACKUP_DIR/media-$stamp/"
fi

find "$BACKUP_DIR" -maxdepth 1 -name 'copp-*.dump' -mtime +"$KEEP_DAYS" -delete
find "$BACKUP_DIR" -maxdepth 1 -type d \( -name 'private-*' -o -name 'media-*' \) -mtime +"$KEEP_DAYS" -exec rm -rf {} +
echo "$dump"
