import { Badge, Button, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { AdminSessionView } from '@contracts/admin';
import { api } from '../api/endpoints';
import { ActionModal } from '../components/ActionModal';
import { formatBytes, formatCount, formatDateTime } from '../components/format';
import { PageHeader } from '../components/Layout';
import { PagedTable } from '../components/PagedTable';
import { usePagedQuery } from '../components/usePagedQuery';

export function SessionsPage() {
  const queryClient = useQueryClient();
  const pager = usePagedQuery(['sessions'], (cursor) => api.sessions({ cursor, limit: 50 }));
  const [target, setTarget] = useState<AdminSessionView | undefined>();

  return (
    <Stack gap={0}>
      <PageHeader title="Online sessions" description="Peers connected right now, and what they share." />
      <PagedTable
        pager={pager}
        what="Online sessions"
        empty="Nobody is online."
        head={
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>Files</Table.Th>
            <Table.Th>Shared</Table.Th>
            <Table.Th>Connected</Table.Th>
            <Table.Th>Last seen</Table.Th>
            <Table.Th ta="right">Actions</Table.Th>
          </Table.Tr>
        }
        rows={pager.items.map((session) => (
          <Table.Tr key={session.id}>
            <Table.Td>
              <Text size="sm" fw={500}>
                {session.username}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" ff="monospace">
                {session.address ?? '—'}
              </Text>
              {session.firewalled && (
                <Badge size="xs" variant="light" color="yellow">
                  firewalled
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{formatCount(session.fileCount)}</Table.Td>
            <Table.Td>{formatBytes(session.totalBytes)}</Table.Td>
            <Table.Td>{formatDateTime(session.connectedAt)}</Table.Td>
            <Table.Td>{formatDateTime(session.lastSeenAt)}</Table.Td>
            <Table.Td ta="right">
              <Button size="xs" color="red" variant="light" onClick={() => setTarget(session)}>
                Kick
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      />
      <ActionModal
        opened={target !== undefined}
        onClose={() => setTarget(undefined)}
        title={`Kick ${target?.username ?? ''}`}
        description="This disconnects the session and removes its files from the index. The user can connect again unless you also ban them."
        confirmLabel="Kick"
        text={{ label: 'Reason (optional)', maxLength: 500 }}
        onConfirm={async (reason) => {
          await api.kick(target!.id, reason);
          notifications.show({ color: 'green', message: `${target!.username} was disconnected.` });
          void queryClient.invalidateQueries({ queryKey: ['sessions'] });
        }}
      />
    </Stack>
  );
}
