import { ActionIcon, Badge, Button, Group, Menu, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconSearch } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { AdminUserView } from '@contracts/admin';
import { ROLES, type Role } from '@contracts/auth';
import { api } from '../api/endpoints';
import { useCurrentUser } from '../api/useSession';
import { ActionModal } from '../components/ActionModal';
import { formatDateTime } from '../components/format';
import { PageHeader } from '../components/Layout';
import { PagedTable } from '../components/PagedTable';
import { usePagedQuery } from '../components/usePagedQuery';
import { BanModal } from './BanModal';

const ROLE_COLORS: Record<Role, string> = { user: 'gray', moderator: 'blue', admin: 'grape' };

export function UsersPage() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search.trim(), 300);
  const pager = usePagedQuery(['users', q], (cursor) => api.users({ q, cursor, limit: 25 }));

  const [banTarget, setBanTarget] = useState<AdminUserView | undefined>();
  const [unbanTarget, setUnbanTarget] = useState<AdminUserView | undefined>();
  const [roleChange, setRoleChange] = useState<{ user: AdminUserView; role: Role } | undefined>();

  const changed = (user: AdminUserView, message: string) => {
    notifications.show({ color: 'green', message });
    void queryClient.invalidateQueries({ queryKey: ['users'] });
    void queryClient.invalidateQueries({ queryKey: ['audit'] });
    return user;
  };
  // The server enforces these; the panel only hides what would be refused.
  const mayModerate = (user: AdminUserView) => user.id !== me.id && (me.role === 'admin' || user.role === 'user');

  return (
    <Stack gap={0}>
      <PageHeader title="Users" description="Search accounts, ban or unban them, and change roles (admins).">
        <TextInput
          placeholder="Search by username"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setParams(event.currentTarget.value.trim() ? { q: event.currentTarget.value.trim() } : {}, { replace: true });
          }}
          w={280}
          aria-label="Search users"
        />
      </PageHeader>
      <PagedTable
        pager={pager}
        what="Users"
        empty={q ? `No username contains “${q}”.` : 'No users yet.'}
        head={
          <Table.Tr>
            <Table.Th>Username</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Online sessions</Table.Th>
            <Table.Th>Joined</Table.Th>
            <Table.Th ta="right">Actions</Table.Th>
          </Table.Tr>
        }
        rows={pager.items.map((user) => (
          <Table.Tr key={user.id} data-testid={`user-row-${user.username}`}>
            <Table.Td>
              <Text fw={500} size="sm">
                {user.username}
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge variant="light" color={ROLE_COLORS[user.role]}>
                {user.role}
              </Badge>
            </Table.Td>
            <Table.Td>
              {user.ban ? (
                <Stack gap={2} maw={320}>
                  <Group gap={6} wrap="nowrap">
                    <Badge color="red" variant="light">
                      Banned
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {user.ban.until ? `until ${formatDateTime(user.ban.until)}` : 'permanently'}
                    </Text>
                  </Group>
                  <Text size="xs" lineClamp={2} title={user.ban.reason} style={{ wordBreak: 'break-word' }}>
                    {user.ban.reason}
                  </Text>
                </Stack>
              ) : (
                <Badge color="green" variant="light">
                  Active
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{user.onlineSessions}</Table.Td>
            <Table.Td>
              <Text size="sm">{formatDateTime(user.createdAt)}</Text>
            </Table.Td>
            <Table.Td>
              <Group gap="xs" justify="flex-end" wrap="nowrap">
                {mayModerate(user) &&
                  (user.ban ? (
                    <Button size="xs" variant="default" onClick={() => setUnbanTarget(user)}>
                      Unban
                    </Button>
                  ) : (
                    <Button size="xs" color="red" variant="light" onClick={() => setBanTarget(user)}>
                      Ban
                    </Button>
                  ))}
                {me.role === 'admin' && user.id !== me.id && (
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <Tooltip label="Change role" withArrow>
                        <ActionIcon variant="default" size="md" aria-label={`Change role of ${user.username}`}>
                          <IconChevronDown size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Label>Change role</Menu.Label>
                      {ROLES.filter((role) => role !== user.role).map((role) => (
                        <Menu.Item key={role} onClick={() => setRoleChange({ user, role })}>
                          Make {role}
                        </Menu.Item>
                      ))}
                    </Menu.Dropdown>
                  </Menu>
                )}
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      />

      <BanModal user={banTarget} onClose={() => setBanTarget(undefined)} onBanned={(user) => changed(user, `${user.username} is banned.`)} />
      <ActionModal
        opened={unbanTarget !== undefined}
        onClose={() => setUnbanTarget(undefined)}
        title={`Unban ${unbanTarget?.username ?? ''}`}
        description={`${unbanTarget?.username ?? ''} will be able to sign in again. Banned for: “${unbanTarget?.ban?.reason ?? ''}”.`}
        confirmLabel="Unban"
        color="indigo"
        onConfirm={async () => changed(await api.unban(unbanTarget!.id), `${unbanTarget!.username} is no longer banned.`)}
      />
      <ActionModal
        opened={roleChange !== undefined}
        onClose={() => setRoleChange(undefined)}
        title="Change role"
        description={`${roleChange?.user.username ?? ''} becomes ${roleChange?.role ?? ''} (now ${roleChange?.user.role ?? ''}).`}
        confirmLabel={`Make ${roleChange?.role ?? ''}`}
        color={roleChange?.role === 'user' ? 'red' : 'indigo'}
        onConfirm={async () => changed(await api.changeRole(roleChange!.user.id, roleChange!.role), `${roleChange!.user.username} is now ${roleChange!.role}.`)}
      />
    </Stack>
  );
}
