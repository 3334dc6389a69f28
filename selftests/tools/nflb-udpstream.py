#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nflb-udpstream: one UDP flow (one socket, one source port) that sends a
line every INTERVAL ms to ADDR PORT, whether answered or not, until the file
STOP exists.  Errors (ICMP unreachable while nothing serves ADDR) are
counted, not fatal.  Written to the file LOG, one line each, flushed:
    start MS               once, when the socket is bound and connected
                           (starting the interpreter takes seconds under
                           TCG: waits for answers count from here)
    sent N                 after every 10th request
    answer MS TEXT         when the answer (its line: the backend's name,
                           and with nflb-server -P the peer it saw)
                           changes; MS: CLOCK_REALTIME in ms
Usage: nflb-udpstream.py ADDR PORT SPORT INTERVAL_MS STOP LOG"""
import os
import socket
import sys
import time


def main():
    addr, port, sport, interval, stop, log = sys.argv[1:7]
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', int(sport)))
    s.connect((addr, int(port)))
    s.setblocking(False)
    out = open(log, 'w', buffering=1)
    out.write('start %d\n' % (time.time() * 1000))
    sent, last = 0, None
    step = int(interval) / 1000.0
    nxt = time.monotonic()
    while not os.path.exists(stop):
        now = time.monotonic()
        if now >= nxt:
            try:
                s.send(b'hello\n')
            except OSError:
                pass
            sent += 1
            if sent % 10 == 0:
                out.write('sent %d\n' % sent)
            nxt = now + step
        while True:
            try:
                data = s.recv(512)
            except BlockingIOError:
                break
            except OSError:
                continue	# an ICMP error, reported once
            text = ' '.join(data.decode(errors='replace').split()) or '?'
            if text != last:
                out.write('answer %d %s\n' % (time.time() * 1000, text))
                last = text
        time.sleep(min(0.02, max(0.0, nxt - time.monotonic())))
    return 0


if __name__ == '__main__':
    sys.exit(main())
