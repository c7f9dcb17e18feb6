"""A local HTTP server for download tests: serves byte strings, honours ``Range``, counts
requests and can cut a response short (to test resuming). No network is used."""

import contextlib
import http.server
import threading


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):   # keep test output quiet
        pass

    def do_GET(self):
        server = self.server
        server.requests.append((self.path, self.headers.get("Range")))
        data = server.files.get(self.path)
        if data is None:
            self.send_error(404, "Not Found")
            return
        start = 0
        spec = self.headers.get("Range")
        if spec and server.ranges:
            start = int(spec.split("=")[1].split("-")[0])
            if start >= len(data):
                self.send_error(416, "Range Not Satisfiable")
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        cut = server.cut_after.pop(self.path, None)
        self.wfile.write(body if cut is None else body[:cut])


@contextlib.contextmanager
def serve(files, ranges=True):
    """Serves ``{"/name": bytes}`` on 127.0.0.1; yields the server (``.url``, ``.requests``,
    ``.cut_after = {"/name": n}`` to close a response after n bytes)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.files, server.ranges, server.requests, server.cut_after = files, ranges, [], {}
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
