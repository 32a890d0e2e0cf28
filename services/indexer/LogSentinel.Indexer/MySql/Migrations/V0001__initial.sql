-- IF NOT EXISTS: DDL commits statement by statement in MySQL, so a start that died half-way through a migration
-- can apply it again. Statements end with a semicolon at the end of a line (the migrator splits there).
-- The seed's table of failed logins, plus where and what it was (host, service) and the event's id (unique: a
-- redelivered event is not a second row). Indexes for the panel: recent, per address, per country, per host.
CREATE TABLE IF NOT EXISTS failed_login_attempts (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id VARCHAR(128) NOT NULL,
    ip_address VARCHAR(64) NULL,
    username VARCHAR(255) NULL,
    country CHAR(2) NULL,
    attempt_time DATETIME(3) NOT NULL,
    reason VARCHAR(255) NULL,
    host VARCHAR(255) NOT NULL,
    service VARCHAR(64) NOT NULL,
    UNIQUE KEY uq_failed_login_event (event_id),
    KEY ix_failed_login_time (attempt_time),
    KEY ix_failed_login_ip_time (ip_address, attempt_time),
    KEY ix_failed_login_country_time (country, attempt_time),
    KEY ix_failed_login_host_time (host, attempt_time),
    KEY ix_failed_login_user_time (username, attempt_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per alert, its latest revision.
CREATE TABLE IF NOT EXISTS alerts (
    alert_id VARCHAR(128) NOT NULL PRIMARY KEY,
    revision INT NOT NULL,
    final TINYINT(1) NOT NULL,
    rule_id VARCHAR(128) NOT NULL,
    rule_type VARCHAR(32) NOT NULL,
    severity VARCHAR(16) NOT NULL,
    description VARCHAR(512) NOT NULL,
    offender VARCHAR(512) NOT NULL,
    count BIGINT NOT NULL,
    country CHAR(2) NULL,
    window_start DATETIME(3) NOT NULL,
    window_end DATETIME(3) NOT NULL,
    hosts JSON NOT NULL,
    users JSON NOT NULL,
    source_ips JSON NOT NULL,
    KEY ix_alerts_window_end (window_end),
    KEY ix_alerts_severity_end (severity, window_end),
    KEY ix_alerts_rule_end (rule_id, window_end),
    KEY ix_alerts_country_end (country, window_end)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per analysed host window.
CREATE TABLE IF NOT EXISTS analyses (
    analysis_id VARCHAR(128) NOT NULL PRIMARY KEY,
    host VARCHAR(255) NOT NULL,
    window_start DATETIME(3) NOT NULL,
    window_end DATETIME(3) NOT NULL,
    risk_score TINYINT NOT NULL,
    risk_floor TINYINT NOT NULL,
    level VARCHAR(16) NOT NULL,
    source VARCHAR(8) NOT NULL,
    model VARCHAR(128) NULL,
    summary TEXT NOT NULL,
    findings JSON NOT NULL,
    aggregate JSON NOT NULL,
    latency_ms BIGINT NOT NULL,
    KEY ix_analyses_host_start (host, window_start),
    KEY ix_analyses_level_start (level, window_start),
    KEY ix_analyses_start (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
