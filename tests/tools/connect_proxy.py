#!/usr/bin/python3
"""connect_proxy.py - an HTTP CONNECT proxy on loopback that sends every tunnel to one port.

usage: connect_proxy.py PORTFILE LOGFILE TARGET_PORT

Listens on 127.0.0.1 (a free port, written to PORTFILE), answers each
"CONNECT host:port" with 200 and pipes the tunnel to 127.0.0.1:TARGET_PORT,
logging "host:port" per tunnel to LOGFILE. Lets a test give aliasaudit the
real service roots of a national cloud (https://graph.microsoft.us, ...)
through https_proxy while only loopback is contacted; TLS stays end to end
(the mock's test certificate names those hosts, trusted through ca_file).
Used only by the tests (tests/e2e/m365_sovereign.sh), never by aliasaudit.
"""
import socket
import sys
import threading


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(conn, log, target):
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = conn.recv(4096)
        if not data:
            conn.close()
            return
        buf += data
    head, rest = buf.split(b"\r\n\r\n", 1)
    parts = head.split(b"\r\n", 1)[0].split()
    if len(parts) < 2 or parts[0] != b"CONNECT":
        conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
        conn.close()
        return
    with open(log, "a") as f:
        f.write(parts[1].decode("ascii", "replace") + "\n")
    up = socket.create_connection(("127.0.0.1", target))
    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    if rest:
        up.sendall(rest)
    threading.Thread(target=pipe, args=(up, conn), daemon=True).start()
    pipe(conn, up)


def main():
    portfile, log, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.getsockname()[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, log, target), daemon=True).start()


if __name__ == "__main__":
    main()
