#!/usr/bin/env bash
# Starts this machine's Docker engine (the one on unix:///var/run/docker.sock) when none answers
# there: with systemd where systemd is the init system, otherwise (containers, WSL without
# systemd, CI runners) as a dockerd in the background, its log in /var/log/dockerd.log. Extra
# arguments go to that dockerd: by default it sets the FORWARD policy to DROP, turns on IP
# forwarding and adds NAT rules, which --iptables=false --ip-forward=false --bridge=none avoid
# (containers then need --network host, as the README walkthrough's does).
# Prints how to stop what it started. Runs as root, or as a user with sudo.
set -euo pipefail

socket=/var/run/docker.sock
pidfile=/var/run/docker.pid
log=/var/log/dockerd.log
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
as_root=${sudo_cmd[*]:+sudo }

# Exit status 0 when the engine answers; the reason on stdout when it does not.
engine_status() { timeout 10 docker -H "unix://$socket" info 2>&1 >/dev/null; }

if reason=$(engine_status); then
  echo "start-docker: a Docker engine already answers on $socket"
  exit 0
fi
if [[ "$reason" == *"permission denied"* ]]; then
  echo "start-docker: an engine runs on $socket, but $(id -un) may not use it: add the user to the docker group, or use sudo" >&2
  exit 1
fi
command -v dockerd >/dev/null || {
  echo "start-docker: dockerd is not installed (scripts/setup.sh installs Debian's docker.io)" >&2
  exit 1
}

if [ -d /run/systemd/system ]; then
  # systemd runs this machine (the test sd_booted(3) makes): it manages the engine.
  "${sudo_cmd[@]}" systemctl start docker
  stop="${as_root}systemctl stop docker"
  log="journalctl -u docker"
elif "${sudo_cmd[@]}" sh -c '[ -f "$0" ] && kill -0 "$(cat "$0")" 2>/dev/null' "$pidfile"; then
  echo "start-docker: a dockerd is already running (pid $(cat "$pidfile")) but does not answer yet: see $log" >&2
  exit 1
else
  # No service manager: a dockerd of its own session, so closing this terminal leaves it running.
  "${sudo_cmd[@]}" sh -c 'setsid dockerd "$@" >>"$0" 2>&1 </dev/null &' "$log" "$@"
  stop="${as_root}kill \"\$(cat $pidfile)\""
fi

for _ in $(seq 60); do
  engine_status >/dev/null && break
  sleep 0.5
done
if ! engine_status >/dev/null; then
  echo "start-docker: the engine did not answer on $socket within 30 s; its log: $log" >&2
  [ -f "$log" ] && "${sudo_cmd[@]}" tail -n 20 "$log" >&2
  exit 1
fi
echo "start-docker: the Docker engine answers on $socket (log: $log); stop it with: $stop"
