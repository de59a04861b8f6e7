#!/bin/sh
# Runs dropbear on 127.0.0.1:PORT in the foreground with one password
# account USER:PASS that exists only inside a private mount namespace:
# /etc/passwd and /etc/shadow are bind-mounted copies in which every
# other account is locked.  Needs root (unshare -m, mount --bind); the
# host's account files are never changed.
# With a fifth argument "openssh", runs OpenSSH's sshd instead (UsePAM no,
# /run is a private tmpfs for its privilege-separation directory).
#   ssh_server.sh WORKDIR PORT USER PASS [dropbear|openssh]
set -e
dir=$1 port=$2 user=$3 pass=$4 server=${5:-dropbear}
hash=$(openssl passwd -6 "$pass")
awk -F: 'BEGIN { OFS = ":" } { $2 = "x"; print }' /etc/passwd > "$dir/passwd"
awk -F: 'BEGIN { OFS = ":" } { $2 = "!"; print }' /etc/shadow > "$dir/shadow"
echo "$user:x:4242:4242::/tmp:/bin/sh" >> "$dir/passwd"
echo "$user:$hash:19000:0:99999:7:::" >> "$dir/shadow"
chmod 600 "$dir/shadow"
if [ "$server" = openssh ]; then
	[ -f "$dir/sshkey" ] || ssh-keygen -q -t ed25519 -N "" -f "$dir/sshkey"
	cat > "$dir/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
HostKey $dir/sshkey
UsePAM no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PermitRootLogin no
MaxStartups 64
PidFile none
EOF
	exec unshare -m --propagation private sh -c "
		mount --bind '$dir/passwd' /etc/passwd &&
		mount --bind '$dir/shadow' /etc/shadow &&
		mount -t tmpfs none /run && mkdir -p /run/sshd &&
		exec /usr/sbin/sshd -D -e -f '$dir/sshd_config'" 2>"$dir/log"
fi
[ -f "$dir/hostkey" ] || dropbearkey -t ed25519 -f "$dir/hostkey" >/dev/null 2>&1
exec unshare -m --propagation private sh -c "
	mount --bind '$dir/passwd' /etc/passwd &&
	mount --bind '$dir/shadow' /etc/shadow &&
	exec dropbear -F -E -j -k -r '$dir/hostkey' -p 127.0.0.1:$port" 2>"$dir/log"
