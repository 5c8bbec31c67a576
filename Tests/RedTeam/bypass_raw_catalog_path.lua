-- expect: denied
-- A catalog path through the escape hatch is the operation it names: deleteProfile, not granted.
return desk.request("POST", "/api/v1/profiles/1892000000100004/delete", {body = {transferToProfileId = "1892000000100002"}})
