-- auth/indexes.sql of schema_head.sql, written by `pnpm db:snapshot`; do not edit. For review only: new
-- databases are built from the single file (pnpm db:init-from-snapshot).

--
-- Name: account_user_id_idx; Type: INDEX; Schema: auth; Owner: -
--

CREATE INDEX account_user_id_idx ON auth.account USING btree (user_id);

--
-- Name: api_key_key_hash_key; Type: INDEX; Schema: auth; Owner: -
--

CREATE UNIQUE INDEX api_key_key_hash_key ON auth.api_key USING btree (key_hash);

--
-- Name: api_key_user_id_idx; Type: INDEX; Schema: auth; Owner: -
--

CREATE INDEX api_key_user_id_idx ON auth.api_key USING btree (user_id);

--
-- Name: session_token_key; Type: INDEX; Schema: auth; Owner: -
--

CREATE UNIQUE INDEX session_token_key ON auth.session USING btree (token);

--
-- Name: session_user_id_idx; Type: INDEX; Schema: auth; Owner: -
--

CREATE INDEX session_user_id_idx ON auth.session USING btree (user_id);

--
-- Name: user_email_key; Type: INDEX; Schema: auth; Owner: -
--

CREATE UNIQUE INDEX user_email_key ON auth."user" USING btree (email);

--
-- Name: verification_identifier_idx; Type: INDEX; Schema: auth; Owner: -
--

CREATE INDEX verification_identifier_idx ON auth.verification USING btree (identifier);

