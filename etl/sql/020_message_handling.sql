-- fundquery store, schema version 20: how the desk handled a message (issue 17, the yearly report).
--
-- 直接答复 (direct: the desk's own office answers), 转办 (transferred to a department),
-- 转纪检监察 (to the discipline commission), 其他方式 (other).  Chosen at registration; the
-- report falls back on the department in charge for messages registered before this column.
ALTER TABLE messages ADD COLUMN handling VARCHAR;
