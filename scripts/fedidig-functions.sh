# Shell functions that ask a fedidig bot from the command line through madonctl.
# Source this file (". scripts/fedidig-functions.sh") in a shell where madonctl is configured
# for your own account (see "madonctl config dump --help"), then:
#
#   dnsfediverse example.com MX     # a DNS question, asked and answered in a direct message
#   dnsfediverse 2001:db8::1        # a reverse lookup
#   whichasn 192.0.2.1              # which network announces this address (BGP)
#
# FEDIDIG_BOT names the bot (default @dig@botsin.space); FEDIDIG_WAIT how many seconds to wait.

: "${FEDIDIG_BOT:=@dig@botsin.space}"
: "${FEDIDIG_WAIT:=30}"

# Posts "@bot QUESTION" as a direct message and prints the bot's replies as plain text.
fedidig_ask() {
  local id replies i
  id=$(madonctl toot --visibility direct --template '{{.id}}' "$FEDIDIG_BOT $*") || return 1
  for i in $(seq "$FEDIDIG_WAIT"); do
    replies=$(madonctl status --status-id "$id" context \
      --template '{{range .descendants}}{{.content}}{{"\n"}}{{end}}')
    if [ -n "$replies" ]; then
      printf '%s\n' "$replies" | sed -e 's#<br */*>#\n#g' -e 's#</p><p>#\n\n#g' -e 's#<[^>]*>##g' \
        -e 's#&amp;#\&#g' -e 's#&lt;#<#g' -e 's#&gt;#>#g' -e 's#&quot;#"#g' -e "s#&\#39;#'#g"
      return 0
    fi
    sleep 1
  done
  echo "no answer from $FEDIDIG_BOT within $FEDIDIG_WAIT s (question $id)" >&2
  return 1
}

dnsfediverse() {
  if [ $# -lt 1 ]; then echo "usage: dnsfediverse NAME [TYPE...]" >&2; return 2; fi
  fedidig_ask "$@"
}

whichasn() {
  if [ $# -ne 1 ]; then echo "usage: whichasn IP|PREFIX|ASN" >&2; return 2; fi
  fedidig_ask bgp "$1"
}
