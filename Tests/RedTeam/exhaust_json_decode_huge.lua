-- expect: limit
-- limits: timeout=5 memory=64 instructions=0
-- The reported slip: decoding a 20 MB string reached 2.5 GB resident and 35 s. json.decode now builds
-- the Lua values directly, each allocation checked against the cap.
local s = "[" .. string.rep([[{"a":1},]], 2500000) .. "1]"
return #json.decode(s)
