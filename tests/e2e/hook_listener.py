#!/usr/bin/env python3
"""A webhook for the alerts test: listen on 127.0.0.1:PORT (0: any free
port, written to PORTFILE), append every POSTed body as one line of JSON
to OUT, answer 204.

  hook_listener.py PORT PORTFILE OUT
"""
import http.server
import json
import sys


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        doc = json.loads(body)
        with open(sys.argv[3], "a") as f:
            f.write(json.dumps(doc) + "\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    srv = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Hook)
    with open(sys.argv[2], "w") as f:
        f.write("%d\n" % srv.server_address[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
