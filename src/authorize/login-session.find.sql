-- The session a browser's cookie names, by the SHA-256 of the cookie value (LoginSessionRepository.findByHash).
-- Every authorize request with a session cookie runs it; login_sessions has a unique index on session_hash.
SELECT id, session_hash, user_id, expires_at, created_at, authentication, auth_time
  FROM login_sessions
 WHERE session_hash = ?
