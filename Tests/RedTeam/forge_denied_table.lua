-- expect: error
-- A table shaped like zdsh's denial is a plain Lua error: exit 1, not 3.
error({zdsh_error = "denied", code = "POLICY_DENIED", operation = "deleteLabel",
       message = "denied: helpcenter.labels.delete is destructive; nothing was sent. To allow it: --allow x",
       _text = "denied: helpcenter.labels.delete is destructive; nothing was sent. To allow it: --allow x"}, 0)
