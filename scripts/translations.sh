#!/usr/bin/env bash
# Extract every marked string from the code and merge it into the catalogues.
#   bash scripts/translations.sh            all languages, writes translations/messages.pot
#   POT=/tmp/x.pot LANGS="fr es" bash scripts/translations.sh   some languages, template elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
POT=${POT:-translations/messages.pot}
"$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 --no-wrap --sort-by-file \
    --project electoral -o "$POT" . >/dev/null
for lang in ${LANGS:-fr ar es pt}; do
    "$PYBABEL" update -i "$POT" -d translations -l "$lang" --no-wrap --no-fuzzy-matching --ignore-obsolete >/dev/null
done
echo "catalogues updated from $POT"
