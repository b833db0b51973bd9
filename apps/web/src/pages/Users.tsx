import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type AdminUser, type ApiKeysResponse, type UsersResponse } from '../api.ts';
import { fmt, useI18n } from '../i18n.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { useSession, type Role } from '../session.ts';

const ROLES: Role[] = ['viewer', 'staff', 'admin'];

/** A one-time password, shown once, with whose it is. */
function OneTime({ email, password }: { email: string; password: string }) {
  const { t } = useI18n();
  return (
    <p className="one-time" role="status" data-testid="one-time-password">
      {t('oneTimePasswordFor').replace('{email}', email)} <code>{password}</code>
      <br />
      <span className="muted">{t('oneTimePasswordHint')}</span>
    </p>
  );
}

function Keys({ user }: { user: AdminUser }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const keys = useQuery({
    queryKey: ['users', user.id, 'keys'],
    queryFn: () => api<ApiKeysResponse>(`/users/${encodeURIComponent(user.id)}/keys`),
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api(`/users/${encodeURIComponent(user.id)}/keys/${id}`, { method: 'DELETE' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['users'] }),
  });
  if (keys.isError) return <ErrorMessage error={keys.error} />;
  const list = keys.data?.keys ?? [];
  if (!keys.isPending && list.length === 0) return <p className="muted">{t('noKeys')}</p>;
  return (
    <>
      <ul className="keys" aria-label={t('apiKeysOf').replace('{name}', user.name)}>
        {list.map((k) => (
          <li key={k.id} data-testid="key-row">
            {k.name} <span className="muted">({k.prefix}…)</span> · {t('keyLastUsed')} {fmt.dateTime(k.lastUsedAt)}
            {k.revokedAt ? (
              <> · {t('keyRevoked')}</>
            ) : (
              <>
                {' '}
                <button
                  type="button"
                  className="secondary"
                  disabled={revoke.isPending}
                  onClick={() => confirm(t('revokeKeyQuestion').replace('{name}', k.name)) && revoke.mutate(k.id)}
                >
                  {t('revokeKey')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {revoke.isError && (
        <p className="error" role="alert">
          <ErrorMessage error={revoke.error} />
        </p>
      )}
    </>
  );
}

function UserRow({ u, self }: { u: AdminUser; self: boolean }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [showKeys, setShowKeys] = useState(false);
  const done = () => void qc.invalidateQueries({ queryKey: ['users'] });
  const path = `/users/${encodeURIComponent(u.id)}`;
  const role = useMutation({
    mutationFn: (r: Role) => api(`${path}/role`, { method: 'PUT', body: JSON.stringify({ role: r }) }),
    onSettled: done,
  });
  const disable = useMutation({
    mutationFn: () => api(`${path}/disable`, { method: 'POST', body: '{}' }),
    onSettled: done,
  });
  const reset = useMutation({
    mutationFn: () => api<{ oneTimePassword: string }>(`${path}/reset-password`, { method: 'POST', body: '{}' }),
    onSettled: done,
  });
  const error = role.error ?? disable.error ?? reset.error;
  return (
    <>
      <tr data-testid="user-row" data-email={u.email}>
        <td>{u.name}</td>
        <td>{u.email}</td>
        <td>
          <select
            aria-label={t('roleOf').replace('{name}', u.name)}
            value={u.role}
            disabled={self || u.disabled || role.isPending}
            onChange={(e) => role.mutate(e.target.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role_${r}`)}
              </option>
            ))}
          </select>
        </td>
        <td>{u.disabled ? t('userDisabled') : t('userActive')}</td>
        <td>{fmt.dateTime(u.lastSignIn)}</td>
        <td className="num">{fmt.int(u.keys)}</td>
        <td>
          <div className="row">
            <button
              type="button"
              className="secondary"
              disabled={reset.isPending}
              onClick={() => confirm(t('resetQuestion').replace('{name}', u.name)) && reset.mutate()}
            >
              {t('resetPassword')}
            </button>
            {!u.disabled && !self && (
              <button
                type="button"
                className="danger"
                disabled={disable.isPending}
                onClick={() => confirm(t('disableQuestion').replace('{name}', u.name)) && disable.mutate()}
              >
                {t('disableUser')}
              </button>
            )}
            <button type="button" className="secondary" aria-expanded={showKeys} onClick={() => setShowKeys(!showKeys)}>
              {t('apiKeys')}
            </button>
          </div>
        </td>
      </tr>
      {(showKeys || reset.data || error) && (
        <tr>
          <td colSpan={7}>
            {reset.data && <OneTime email={u.email} password={reset.data.oneTimePassword} />}
            {error && (
              <p className="error" role="alert">
                <ErrorMessage error={error} />
              </p>
            )}
            {showKeys && <Keys user={u} />}
          </td>
        </tr>
      )}
    </>
  );
}

/** ユーザー (admins): accounts, each change through the API's admin routes (each one audited). */
export function UsersPage() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const session = useSession().data;
  const selfId = session && session !== 'off' ? session.id : undefined;
  const users = useQuery({ queryKey: ['users'], queryFn: () => api<UsersResponse>('/users') });
  const [form, setForm] = useState({ email: '', name: '', role: 'staff' as Role });
  const create = useMutation({
    mutationFn: () =>
      api<{ user: { email: string }; oneTimePassword: string }>('/users', {
        method: 'POST',
        body: JSON.stringify(form),
      }),
    onSuccess: () => setForm({ email: '', name: '', role: 'staff' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['users'] }),
  });
  return (
    <>
      <h1>{t('navUsers')}</h1>
      <form
        className="panel row"
        aria-label={t('createUser')}
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label>
          {t('personName')}
          <input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label>
          {t('email')}
          <input
            type="email"
            required
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        </label>
        <label>
          {t('role')}
          <select value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role_${r}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={create.isPending}>
          {t('createUser')}
        </button>
      </form>
      {create.data && <OneTime email={create.data.user.email} password={create.data.oneTimePassword} />}
      {(create.isError || users.isError) && (
        <p className="error" role="alert">
          <ErrorMessage error={create.isError ? create.error : users.error} />
        </p>
      )}
      {users.data && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('navUsers')}>
          <table data-testid="users-table">
            <thead>
              <tr>
                <th>{t('personName')}</th>
                <th>{t('email')}</th>
                <th>{t('role')}</th>
                <th>{t('status')}</th>
                <th>{t('lastSignIn')}</th>
                <th className="num">{t('apiKeys')}</th>
                <th>{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {users.data.users.map((u) => (
                <UserRow key={u.id} u={u} self={u.id === selfId} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
