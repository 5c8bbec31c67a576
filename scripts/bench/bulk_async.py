"""Baseline: asyncio + httpx, at most 10 requests in flight."""
import asyncio, sys
try:
    import httpx
except ImportError:
    import subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "httpx"], check=True)
    import httpx

base, token, org, label, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
CAP = 10

async def main():
    sem = asyncio.Semaphore(CAP)
    headers = {"Authorization": "Zoho-oauthtoken " + token, "orgId": org}
    limits = httpx.Limits(max_connections=CAP, max_keepalive_connections=CAP)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:
        async def one(k):
            async with sem:
                r = await client.post("%s/api/v1/labels/%s/users/remove" % (base, label),
                                      json={"userIds": [str(1892100000000000 + k)]})
                return r.status_code == 204
        ok = sum(await asyncio.gather(*(one(k) for k in range(n))))
    print("%d removed, %d failed" % (ok, n - ok))
    return ok == n

sys.exit(0 if asyncio.run(main()) else 1)
