#!/usr/bin/env python3
"""make_images.py OUTDIR: builds the firmware images tests/test_probe_firmware.c
unpacks and carves, from nothing but the standard library and the openssl,
xz and (when installed) mksquashfs programs.

Every finding the test asserts is planted here:
  - an RSA-2048 private key (PEM) and its self-signed certificate (PEM and DER);
  - etc/shadow with an MD5 hash of a Mirai default password (root:xc3511),
    an empty password (admin), a locked account and a SHA-512 hash;
  - BusyBox and OpenSSL version strings in binaries, lighttpd in an opkg
    status file, dropbear in a cpio.xz and mosquitto in a zip nested inside;
  - a default pair (ubnt/ubnt) in a configuration file and a declared
    secret in another;
  - a setuid file and a symbolic link inside the tree.
The hostile images: a zip bomb, too many files, too many bytes, path
traversal and absolute names, a link to /etc with a file through it, device
nodes and a FIFO, containers nested too deep, a truncated tar.gz.
"""
import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile

DECLARED = "Decl4red-S3cret-Key-0042"


def run(*argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, **kw).stdout


def info(name, data=b"", mode=0o644, type_=tarfile.REGTYPE, link=""):
    ti = tarfile.TarInfo(name)
    ti.size = len(data) if type_ == tarfile.REGTYPE else 0
    ti.mode = mode
    ti.type = type_
    ti.linkname = link
    ti.mtime = 1700000000
    return ti


def tar_bytes(entries, mode="w"):
    """entries: (TarInfo, data) pairs; mode "w", "w:gz", "w:xz"."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.GNU_FORMAT) as t:
        for ti, data in entries:
            t.addfile(ti, io.BytesIO(data) if ti.type == tarfile.REGTYPE else None)
    return buf.getvalue()


def cpio_newc(files):
    """A cpio archive (newc) of (name, data, mode) triples."""
    out = b""
    ino = 1
    for name, data, mode in files + [("TRAILER!!!", b"", 0)]:
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 1700000000, len(data), 0, 0, 0, 0, len(nb), 0))
        out += hdr.encode() + nb
        out += b"\0" * ((4 - len(out) % 4) % 4)
        out += data
        out += b"\0" * ((4 - len(out) % 4) % 4)
        ino += 1
    return out


def binary_with(text):
    return b"\x7fELF\x02\x01\x01" + b"\0" * 57 + os.urandom(256) + b"\0" + \
        text.encode() + b"\0" + os.urandom(256)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    work = os.path.join(out, "work")
    os.makedirs(work, exist_ok=True)
    key = os.path.join(work, "device.key")
    crt = os.path.join(work, "device.crt")
    run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt",
        "rsa_keygen_bits:2048", "-out", key)
    run("openssl", "req", "-new", "-x509", "-key", key, "-out", crt, "-days",
        "3650", "-subj", "/CN=device.example/O=Assay Test Vendor")
    der = run("openssl", "x509", "-in", crt, "-outform", "DER")
    md5 = run("openssl", "passwd", "-1", "-salt", "assayfw", "xc3511").decode().strip()
    sha512 = run("openssl", "passwd", "-6", "-salt", "assayfwsalt",
                 "Unlisted-Str0ng-Pw!").decode().strip()
    shadow = ("root:%s:19000:0:99999:7:::\n"
              "admin::19000:0:99999:7:::\n"
              "daemon:*:19000:0:99999:7:::\n"
              "operator:%s:19000:0:99999:7:::\n" % (md5, sha512)).encode()
    passwd = (b"root:x:0:0:root:/root:/bin/sh\n"
              b"admin:x:1000:1000:admin:/home/admin:/bin/sh\n"
              b"daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
              b"operator:x:1001:1001::/home/operator:/bin/sh\n"
              b"guest::1002:1002::/tmp:/bin/sh\n")
    status = (b"Package: lighttpd\nVersion: 1.4.59-1\nArchitecture: mips\n\n"
              b"Package: libcoap3\r\nVersion: 4.3.1-2\r\n\r\n")
    inner_cpio = cpio_newc([("usr", b"", 0o040755),
                            ("usr/sbin", b"", 0o040755),
                            ("usr/sbin/dropbear",
                             binary_with("SSH-2.0-dropbear_2022.83"), 0o100755)])
    import lzma
    inner_xz = lzma.compress(inner_cpio, format=lzma.FORMAT_XZ)
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bin/mosquitto", binary_with("mosquitto version 2.0.11 starting"))
    d = lambda n: (info(n, mode=0o755, type_=tarfile.DIRTYPE), b"")
    f = lambda n, data, mode=0o644: (info(n, data, mode), data)
    entries = [
        d("etc"), d("etc/ssl"), d("etc/ssl/private"), d("etc/ssl/certs"),
        d("etc/config"), d("bin"), d("usr"), d("usr/lib"), d("usr/lib/opkg"),
        d("lib"), d("lib/firmware"), d("www"),
        f("etc/shadow", shadow, 0o600),
        f("etc/passwd", passwd),
        f("etc/ssl/private/device.key", open(key, "rb").read(), 0o600),
        f("etc/ssl/certs/device.crt", open(crt, "rb").read()),
        f("etc/ssl/certs/device.der", der),
        f("etc/config/telnet.conf", b"# factory access\ntelnet_user=ubnt\n"
          b"telnet_pass=ubnt\n"),
        f("etc/config/cloud.json", ('{"endpoint": "mqtts://cloud.example", '
                                     '"api_key": "%s"}\n' % DECLARED).encode()),
        f("bin/busybox", binary_with(
            "BusyBox v1.36.1 (2024-01-01 00:00:00 UTC) multi-call binary."), 0o755),
        (info("bin/sh", type_=tarfile.SYMTYPE, link="busybox"), b""),
        f("bin/su", binary_with("su helper"), 0o4755),
        f("usr/lib/libcrypto.so.1.1", binary_with("OpenSSL 1.1.1w  11 Sep 2023")),
        f("usr/lib/opkg/status", status),
        f("lib/firmware/modem.cpio.xz", inner_xz),
        f("www/app.zip", zbuf.getvalue()),
    ]
    good = tar_bytes(entries, "w:gz")
    open(os.path.join(out, "good.tar.gz"), "wb").write(good)

    # the same tree as a squashfs image, when mksquashfs is installed
    if shutil.which("mksquashfs"):
        root = os.path.join(work, "root")
        with tarfile.open(fileobj=io.BytesIO(good)) as t:
            for m in t.getmembers():
                t.extract(m, root, set_attrs=False, filter="fully_trusted") \
                    if hasattr(tarfile, "data_filter") else t.extract(m, root, set_attrs=False)
        os.chmod(os.path.join(root, "bin/su"), 0o4755)
        img = os.path.join(out, "good.squashfs")
        if os.path.exists(img):
            os.unlink(img)
        run("mksquashfs", root, img, "-all-root", "-noappend", "-quiet")

        # a vendor blob: a header, junk, the squashfs at an offset, junk
        open(os.path.join(out, "blob.bin"), "wb").write(
            b"VNDR" + os.urandom(65532) + b"hsqs" + os.urandom(1020) +
            open(img, "rb").read() + os.urandom(3000))

    # a raw image: no container, a key and a version string in the blob
    open(os.path.join(out, "raw.bin"), "wb").write(
        os.urandom(4096) + open(key, "rb").read() + binary_with(
            "BusyBox v1.35.0 (2023-01-01) multi-call binary") + os.urandom(4096))

    # --- hostile images ---
    with zipfile.ZipFile(os.path.join(out, "bomb.zip"), "w",
                         zipfile.ZIP_DEFLATED) as z:
        with z.open("zeros.bin", "w", force_zip64=True) as w:
            block = b"\0" * (1 << 20)
            for _ in range(256):           # 256 MiB of zeros, ~250 KiB zipped
                w.write(block)
        z.writestr("after.txt", b"after the bomb\n")
    open(os.path.join(out, "many.tar"), "wb").write(tar_bytes(
        [f("f%04d.txt" % i, b"x\n") for i in range(300)]))
    two = b"total-cap " * 209716      # 2 MiB, compresses well
    open(os.path.join(out, "total.tar.gz"), "wb").write(tar_bytes(
        [f("big%02d.bin" % i, two) for i in range(10)], "w:gz"))
    open(os.path.join(out, "traversal.tar"), "wb").write(tar_bytes([
        f("../../assay_fw_evil_up", b"escaped\n"),
        f("a/../../assay_fw_evil_mid", b"escaped\n"),
        f("/tmp/assay_fw_evil_abs", b"escaped\n"),
        f("ok.txt", b"inside\n")]))
    open(os.path.join(out, "symlink.tar"), "wb").write(tar_bytes([
        (info("lnk", type_=tarfile.SYMTYPE, link="/etc"), b""),
        f("lnk/assay_fw_evil_link", b"through the link\n"),
        (info("up", type_=tarfile.SYMTYPE, link="../../.."), b""),
        f("up/assay_fw_evil_up2", b"through the link\n"),
        (info("inner", type_=tarfile.SYMTYPE, link="ok.txt"), b""),
        f("ok.txt", b"inside\n")]))
    dev = info("dev/null2", type_=tarfile.CHRTYPE, mode=0o666)
    dev.devmajor, dev.devminor = 1, 3
    blk = info("dev/sda9", type_=tarfile.BLKTYPE, mode=0o660)
    blk.devmajor, blk.devminor = 8, 9
    open(os.path.join(out, "device.tar"), "wb").write(tar_bytes([
        (dev, b""), (blk, b""), (info("dev/fifo", type_=tarfile.FIFOTYPE), b""),
        f("etc/hostname", b"device\n")]))
    # compressed, so the version string is not visible in the outer tars
    inner = tar_bytes([f("deepest.txt", b"BusyBox v1.99.9 (deep)\n")], "w:gz")
    for level in range(6):
        inner = tar_bytes([f("level%d.tar" % (5 - level), inner)])
    open(os.path.join(out, "deep.tar"), "wb").write(inner)
    open(os.path.join(out, "truncated.tar.gz"), "wb").write(good[:len(good) // 2])
    open(os.path.join(out, "hardlink.tar"), "wb").write(tar_bytes([
        f("real.txt", b"data\n"),
        (info("hl", type_=tarfile.LNKTYPE, link="/etc/passwd"), b"")]))
    open(os.path.join(out, "notes.txt"), "wb").write(b"nothing to unpack here\n")
    # an encrypted entry beside a plain one (zip -P; Python cannot write one)
    if shutil.which("zip"):
        for name, data in (("secret.txt", b"locked\n"), ("plain.txt", b"open\n")):
            open(os.path.join(work, name), "wb").write(data)
        enc = os.path.abspath(os.path.join(out, "encrypted.zip"))
        subprocess.run(["zip", "-q", "-P", "pw", enc, "secret.txt"], cwd=work, check=True)
        subprocess.run(["zip", "-q", enc, "plain.txt"], cwd=work, check=True)
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
