-- expect: denied
-- Destructive binding without a grant.
return helpcenter.labels.delete("1", "2")
