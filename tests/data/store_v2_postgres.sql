
SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

CREATE SCHEMA @SCHEMA@;

SET default_tablespace = '';

SET default_table_access_method = heap;

CREATE TABLE @SCHEMA@.areas (
    id text NOT NULL,
    name text NOT NULL,
    level text NOT NULL,
    parent text DEFAULT ''::text NOT NULL
);

CREATE TABLE @SCHEMA@.audit_marks (
    id bigint NOT NULL,
    site text NOT NULL,
    parameter text NOT NULL,
    "time" bigint NOT NULL,
    "interval" text NOT NULL,
    mark text NOT NULL,
    reason text NOT NULL,
    who text NOT NULL,
    at bigint NOT NULL
);

CREATE SEQUENCE @SCHEMA@.audit_marks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE @SCHEMA@.audit_marks_id_seq OWNED BY @SCHEMA@.audit_marks.id;

CREATE TABLE @SCHEMA@.conflicts (
    id bigint NOT NULL,
    site text NOT NULL,
    parameter text NOT NULL,
    "time" bigint NOT NULL,
    "interval" text NOT NULL,
    source_kind text NOT NULL,
    value double precision NOT NULL,
    unit text NOT NULL,
    flag text NOT NULL,
    source text NOT NULL,
    received_at bigint NOT NULL
);

CREATE SEQUENCE @SCHEMA@.conflicts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE @SCHEMA@.conflicts_id_seq OWNED BY @SCHEMA@.conflicts.id;

CREATE TABLE @SCHEMA@.imports (
    id bigint NOT NULL,
    source_kind text NOT NULL,
    file text NOT NULL,
    started bigint NOT NULL,
    finished bigint DEFAULT 0 NOT NULL,
    status text NOT NULL,
    rows_read bigint DEFAULT 0 NOT NULL,
    stored bigint DEFAULT 0 NOT NULL,
    duplicates bigint DEFAULT 0 NOT NULL,
    conflicts bigint DEFAULT 0 NOT NULL,
    rejected bigint DEFAULT 0 NOT NULL,
    note text DEFAULT ''::text NOT NULL
);

CREATE SEQUENCE @SCHEMA@.imports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE @SCHEMA@.imports_id_seq OWNED BY @SCHEMA@.imports.id;

CREATE TABLE @SCHEMA@.observations (
    site text NOT NULL,
    parameter text NOT NULL,
    "time" bigint NOT NULL,
    "interval" text NOT NULL,
    source_kind text NOT NULL,
    value double precision NOT NULL,
    unit text NOT NULL,
    flag text NOT NULL,
    source text NOT NULL,
    received_at bigint NOT NULL
);

CREATE TABLE @SCHEMA@.parameters (
    code text NOT NULL,
    name_zh text NOT NULL,
    name_en text NOT NULL,
    unit text NOT NULL,
    outlet_unit text DEFAULT ''::text NOT NULL,
    grp text DEFAULT ''::text NOT NULL,
    hj212 text DEFAULT ''::text NOT NULL,
    hj212_old text DEFAULT ''::text NOT NULL
);

CREATE TABLE @SCHEMA@.records (
    id bigint NOT NULL,
    kind text NOT NULL,
    key text NOT NULL,
    at bigint NOT NULL,
    who text NOT NULL,
    body text NOT NULL
);

CREATE SEQUENCE @SCHEMA@.records_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE @SCHEMA@.records_id_seq OWNED BY @SCHEMA@.records.id;

CREATE TABLE @SCHEMA@.schema_version (
    version integer NOT NULL
);

CREATE TABLE @SCHEMA@.sites (
    id text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    area text NOT NULL,
    lon double precision,
    lat double precision,
    reference boolean DEFAULT false NOT NULL,
    stopped text,
    attributes text DEFAULT ''::text NOT NULL,
    mn text DEFAULT ''::text NOT NULL,
    password text DEFAULT ''::text NOT NULL,
    edition integer DEFAULT 0 NOT NULL
);

ALTER TABLE ONLY @SCHEMA@.audit_marks ALTER COLUMN id SET DEFAULT nextval('@SCHEMA@.audit_marks_id_seq'::regclass);

ALTER TABLE ONLY @SCHEMA@.conflicts ALTER COLUMN id SET DEFAULT nextval('@SCHEMA@.conflicts_id_seq'::regclass);

ALTER TABLE ONLY @SCHEMA@.imports ALTER COLUMN id SET DEFAULT nextval('@SCHEMA@.imports_id_seq'::regclass);

ALTER TABLE ONLY @SCHEMA@.records ALTER COLUMN id SET DEFAULT nextval('@SCHEMA@.records_id_seq'::regclass);

ALTER TABLE ONLY @SCHEMA@.areas
    ADD CONSTRAINT areas_pkey PRIMARY KEY (id);

ALTER TABLE ONLY @SCHEMA@.audit_marks
    ADD CONSTRAINT audit_marks_pkey PRIMARY KEY (id);

ALTER TABLE ONLY @SCHEMA@.conflicts
    ADD CONSTRAINT conflicts_pkey PRIMARY KEY (id);

ALTER TABLE ONLY @SCHEMA@.conflicts
    ADD CONSTRAINT conflicts_site_parameter_time_interval_source_kind_value_fl_key UNIQUE (site, parameter, "time", "interval", source_kind, value, flag);

ALTER TABLE ONLY @SCHEMA@.imports
    ADD CONSTRAINT imports_pkey PRIMARY KEY (id);

ALTER TABLE ONLY @SCHEMA@.observations
    ADD CONSTRAINT observations_pkey PRIMARY KEY (site, parameter, "time", "interval", source_kind);

ALTER TABLE ONLY @SCHEMA@.parameters
    ADD CONSTRAINT parameters_pkey PRIMARY KEY (code);

ALTER TABLE ONLY @SCHEMA@.records
    ADD CONSTRAINT records_pkey PRIMARY KEY (id);

ALTER TABLE ONLY @SCHEMA@.sites
    ADD CONSTRAINT sites_pkey PRIMARY KEY (id);

CREATE INDEX audit_marks_key ON @SCHEMA@.audit_marks USING btree (site, parameter, "time");

CREATE INDEX observations_received ON @SCHEMA@.observations USING btree (received_at);

CREATE INDEX records_at ON @SCHEMA@.records USING btree (kind, at);

CREATE INDEX records_key ON @SCHEMA@.records USING btree (kind, key, id);

