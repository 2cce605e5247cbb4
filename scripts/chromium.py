"""Debian's Chromium, as the PDF step, the benchmark and the browser tests start it: headless, and
with the background services off that would otherwise try to reach Google on this closed network."""
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
