-- Raises when a batch brings rows that differ from the ones stored under the same keys (count > 0), so the
-- batch's transaction fails whole; a batch retried as it was finds its rows equal and passes.
CREATE FUNCTION infragrpc_conflicts(what text, differing bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF differing > 0 THEN
        RAISE EXCEPTION 'a % already stored under the same pipeline and sequence differs from this batch''s', what
            USING ERRCODE = 'unique_violation';
    END IF;
END
$$;
