import { Alert, Button, Code, Group, Paper, PasswordInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiKeyView, CreatedApiKey } from '@contracts/auth';
import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api';
import { Empty, PageHeader } from '../Layout';
import { useLive } from '../live';

function SignInForm() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await api('POST', '/account/sign-in', { username, password });
      setPassword('');
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  return (
    <Paper withBorder p="md" maw={420}>
      <form onSubmit={(event) => void submit(event)}>
        <Stack>
          <Title order={4}>Sign in</Title>
          <Text size="sm" c="dimmed">
            With the account you made with `peerdex register`. Your peer shares and downloads once signed in.
          </Text>
          <TextInput label="Username" autoComplete="username" value={username} onChange={(event) => setUsername(event.currentTarget.value)} required />
          <PasswordInput label="Password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.currentTarget.value)} required />
          {problem && <Alert color="red">{problem}</Alert>}
          <Button type="submit">Sign in</Button>
        </Stack>
      </form>
    </Paper>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [fresh, setFresh] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await api('POST', '/account/password', { currentPassword: current, newPassword: fresh });
      notifications.show({ color: 'teal', message: 'Password changed; your other logins were signed out' });
      setCurrent('');
      setFresh('');
    } catch (error) {
      setProblem(describeError(error));
    }
  };
  return (
    <Paper withBorder p="md">
      <form onSubmit={(event) => void submit(event)}>
        <Stack>
          <Title order={4}>Change password</Title>
          <PasswordInput label="Current password" autoComplete="current-password" value={current} onChange={(event) => setCurrent(event.currentTarget.value)} required />
          <PasswordInput label="New password" autoComplete="new-password" value={fresh} onChange={(event) => setFresh(event.currentTarget.value)} required />
          {problem && <Alert color="red">{problem}</Alert>}
          <Group>
            <Button type="submit" variant="default">
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ApiKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => api<{ apiKeys: ApiKeyView[] }>('GET', '/account/api-keys') });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setCreated(await api<CreatedApiKey>('POST', '/account/api-keys', { name }));
      setName('');
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    } catch (error) {
      notifications.show({ color: 'red', title: 'No key created', message: describeError(error) });
    }
  };
  const revoke = async (key: ApiKeyView) => {
    try {
      await api('DELETE', `/account/api-keys/${encodeURIComponent(key.id)}`);
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not revoked', message: describeError(error) });
    }
  };
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="xs">
        Personal API keys
      </Title>
      <form onSubmit={(event) => void create(event)}>
        <Group align="flex-end" mb="sm">
          <TextInput label="New key's name" placeholder="e.g. my script" value={name} onChange={(event) => setName(event.currentTarget.value)} style={{ flex: '1 1 12rem' }} />
          <Button type="submit" variant="default" disabled={!name.trim()}>
            Create
          </Button>
        </Group>
      </form>
      {created && (
        <Alert color="teal" mb="sm" title={`Key "${created.name}" created`} withCloseButton onClose={() => setCreated(null)}>
          Copy it now, it is not shown again: <Code>{created.key}</Code>
        </Alert>
      )}
      {keys.error && <Alert color="red">{describeError(keys.error)}</Alert>}
      <Table>
        <Table.Tbody>
          {keys.data?.apiKeys.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td>{key.name}</Table.Td>
              <Table.Td>
                <Code>{key.prefix}…</Code>
              </Table.Td>
              <Table.Td>{key.lastUsedAt ? `used ${new Date(key.lastUsedAt).toLocaleString()}` : 'never used'}</Table.Td>
              <Table.Td>
                <Button size="xs" variant="subtle" color="red" onClick={() => void revoke(key)} aria-label={`Revoke ${key.name}`}>
                  Revoke
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {keys.data?.apiKeys.length === 0 && <Empty>No API key yet. Create one for scripts that use the server's API as you.</Empty>}
    </Paper>
  );
}

export function AccountPage() {
  const { account } = useLive();
  const signOut = async () => {
    try {
      await api('POST', '/account/sign-out');
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not signed out', message: describeError(error) });
    }
  };
  return (
    <>
      <PageHeader title="Account" description={account ? `On ${account.server}` : undefined}>
        {account?.signedIn && (
          <Button variant="default" onClick={() => void signOut()}>
            Sign out
          </Button>
        )}
      </PageHeader>
      {!account?.signedIn ? (
        <SignInForm />
      ) : (
        <Stack>
          <Text>
            Signed in as <b data-testid="account-username">{account.username}</b>
            {account.connected ? ', online.' : ', connecting…'}
          </Text>
          <PasswordForm />
          <ApiKeys />
        </Stack>
      )}
    </>
  );
}
