"""Baseline: one `requests` call at a time (keep-alive session)."""
import sys, requests
base, token, org, label, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
s = requests.Session()
s.headers.update({"Authorization": "Zoho-oauthtoken " + token, "orgId": org})
ok = 0
for k in range(n):
    uid = str(1892100000000000 + k)
    r = s.post("%s/api/v1/labels/%s/users/remove" % (base, label), json={"userIds": [uid]}, timeout=30)
    ok += r.status_code == 204
print("%d removed, %d failed" % (ok, n - ok))
sys.exit(0 if ok == n else 1)
