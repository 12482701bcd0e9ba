'use strict';

// The database an end-to-end run uses: DB=sqlite (the default), postgres or mariadb.
// Every boot gets its own scratch database, created here and dropped when it stops; the
// servers' own databases are never touched. The processes of a multi-process test share
// one scratch database that their parent made (E2E_SHARED_DATABASE).
const fs = require('node:fs');
const path = require('node:path');

const SERVERS = {
  postgres: { label: 'PostgreSQL', client: 'postgres', host: '127.0.0.1', port: 5432, user: 'postgres' },
  mariadb: { label: 'MariaDB', client: 'mysql', host: '127.0.0.1', port: 3306, user: 'root' },
};

const kind = () => {
  const db = process.env.DB || 'sqlite';
  if (db !== 'sqlite' && !SERVERS[db]) throw new Error(`DB must be sqlite, postgres or mariadb (got ${db})`);
  return db;
};

/** Runs statements on the server's administrative connection. */
const admin = async (db, statements) => {
  const server = SERVERS[db];
  if (db === 'postgres') {
    const { Client } = require('pg');
    const client = new Client({ host: server.host, port: server.port, user: server.user, database: 'postgres' });
    await client.connect();
    try {
      for (const sql of statements) await client.query(sql);
    } finally {
      await client.end();
    }
    return;
  }
  const mysql = require('mysql2/promise');
  const connection = await mysql.createConnection({ host: server.host, port: server.port, user: server.user });
  try {
    for (const sql of statements) await connection.query(sql);
  } finally {
    await connection.end();
  }
};

/** Whether the server for `db` answers (SQLite always does). */
const reachable = async (db = kind()) => {
  if (db === 'sqlite') return true;
  try {
    await admin(db, ['SELECT 1']);
    return true;
  } catch {
    return false;
  }
};

const scratchName = () => `two_factor_e2e_${process.pid}_${Date.now()}`;

/** Creates a scratch database on the server; returns its name and how to drop it. */
const createScratch = async (db = kind()) => {
  const name = scratchName();
  await admin(db, [db === 'postgres' ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`]);
  const drop = () => admin(db, [db === 'postgres' ? `DROP DATABASE IF EXISTS ${name} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${name}`]);
  return { name, drop };
};

/** Strapi's DATABASE_* variables for database `name` on the server for `db`. */
const serverEnv = (db, name) => {
  const server = SERVERS[db];
  return {
    DATABASE_CLIENT: server.client,
    DATABASE_HOST: server.host,
    DATABASE_PORT: String(server.port),
    DATABASE_NAME: name,
    DATABASE_USERNAME: server.user,
    DATABASE_PASSWORD: '',
    DATABASE_SSL: 'false',
  };
};

/** The database for one Strapi boot: `{ label, env, drop }`. `appDir` holds SQLite files. */
const forBoot = async (appDir) => {
  const db = kind();
  if (db === 'sqlite') {
    const file = path.join('.tmp', `${scratchName()}.db`);
    return {
      label: 'SQLite',
      env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file },
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(path.join(appDir, file + suffix), { force: true });
      },
    };
  }
  const shared = process.env.E2E_SHARED_DATABASE;
  const { name, drop } = shared ? { name: shared, drop: async () => {} } : await createScratch(db);
  return { label: SERVERS[db].label, env: serverEnv(db, name), drop };
};

module.exports = { kind, reachable, createScratch, forBoot, SERVERS };
