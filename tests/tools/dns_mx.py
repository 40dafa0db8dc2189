#!/usr/bin/python3
"""dns_mx.py - a tiny UDP DNS server on 127.0.0.1 for the probe --mx test.

usage: dns_mx.py PORT_FILE DOMAIN=MXHOST[,PREF]...

Answers MX queries for each DOMAIN with MXHOST (preference PREF, default
10; several records per domain may be given), NXDOMAIN for other names,
NODATA for other types of a known domain. Writes its port to PORT_FILE once
it listens; runs until killed. Only for tests (RFC 1035 message format).
"""
import socket
import struct
import sys


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_question(msg):
    i, labels = 12, []
    while msg[i]:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    qtype, qclass = struct.unpack("!HH", msg[i + 1:i + 5])
    return ".".join(labels).lower(), qtype, qclass, msg[12:i + 5]


def main():
    port_file = sys.argv[1]
    zones = {}
    for spec in sys.argv[2:]:
        dom, mx = spec.split("=", 1)
        host, _, pref = mx.partition(",")
        zones.setdefault(dom.lower(), []).append((int(pref or 10), host))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(port_file + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    import os
    os.rename(port_file + ".tmp", port_file)
    while True:
        msg, peer = s.recvfrom(4096)
        if len(msg) < 17:
            continue
        qid = msg[:2]
        name, qtype, _, question = parse_question(msg)
        answers = []
        rcode = 0
        if name not in zones:
            rcode = 3
        elif qtype == 15:
            for pref, host in zones[name]:
                rdata = struct.pack("!H", pref) + encode_name(host)
                answers.append(encode_name(name) + struct.pack("!HHIH", 15, 1, 300, len(rdata)) + rdata)
        flags = 0x8400 | rcode  # response, authoritative
        header = qid + struct.pack("!HHHHH", flags, 1, len(answers), 0, 0)
        s.sendto(header + question + b"".join(answers), peer)


if __name__ == "__main__":
    main()
