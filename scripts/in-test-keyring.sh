#!/usr/bin/env bash
# Runs "$@" inside a throw-away D-Bus session whose Secret Service is a throw-away gnome-keyring,
# unlocked. Used by .ci/run, by `npm test` when there is no session, and by the test workflow.
#
# Why not just `gnome-keyring-daemon --unlock` inside `dbus-run-session`: if that daemon ever exits
# mid-run, the bus re-activates it from Debian's own service file, which starts it *locked*. Every
# keychain call after that needs a password prompt nobody can answer ("couldn't create system
# prompt"), and every test that stores a secret fails with keychain_unavailable. Here the bus
# knows only our service file, which starts the daemon unlocked with the same throw-away password,
# so a restart keeps the keyring (it is on disk in $HOME) and stays unlocked. Each start is logged,
# and a restart is reported at the end with the daemon's own messages and exit status (0 when told
# to stop; 133 when GLib aborted it, as CI saw once: gnome-keyring 42.1 asserting on a client that
# was gone when its session request was handled, we think, among the tests' short-lived processes).
set -euo pipefail

password="${LETHE_TEST_KEYRING_PASSWORD:-lethe-test}"
session_dir="$(mktemp -d "${TMPDIR:-/tmp}/lethe-keyring-XXXXXX")"
trap 'rm -rf "$session_dir"' EXIT
mkdir -p "$session_dir/home" "$session_dir/services"

cat >"$session_dir/start-secret-service" <<EOF
#!/bin/sh
echo "\$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$session_dir/secret-service-starts"
printf %s '$password' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>>"$session_dir/secret-service.log"
# The daemon outlives the session's bus by a moment, and this script may have removed the folder.
echo "\$(date -u +%Y-%m-%dT%H:%M:%SZ) exit status \$?" 2>/dev/null >>"$session_dir/secret-service.log" || true
EOF
chmod +x "$session_dir/start-secret-service"

cat >"$session_dir/services/org.freedesktop.secrets.service" <<EOF
[D-BUS Service]
Name=org.freedesktop.secrets
Exec=$session_dir/start-secret-service
EOF

# A session bus like Debian's session.conf, but with our service directory only.
cat >"$session_dir/session.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <keep_umask/>
  <listen>unix:tmpdir=$session_dir</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$session_dir/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF

# Start the Secret Service now (through the bus, as a restart would) so that a daemon that cannot
# start fails here, before the tests, rather than as a hundred keychain failures.
start='dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.StartServiceByName string:org.freedesktop.secrets uint32:0 >/dev/null'
status=0
HOME="$session_dir/home" LETHE_TEST_IN_DBUS=1 dbus-run-session --config-file="$session_dir/session.conf" -- \
  bash -c "$start && exec \"\$@\"" in-test-keyring "$@" || status=$?

starts=$(wc -l <"$session_dir/secret-service-starts" 2>/dev/null || echo 0)
if [ "$starts" -gt 1 ]; then
  echo "in-test-keyring: the Secret Service daemon exited and was started again, unlocked ($starts starts in all: $(tr '\n' ' ' <"$session_dir/secret-service-starts")). Its log:" >&2
  tail -n 40 "$session_dir/secret-service.log" >&2
fi
exit "$status"
