import { Alert, Button, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { BlocklistCreateSchema, type BlocklistCreate, type BlocklistEntryView } from '@contracts/admin';
import { api } from '../api/endpoints';
import { ActionModal } from '../components/ActionModal';
import { formatDateTime, shortHash } from '../components/format';
import { PageHeader } from '../components/Layout';
import { PagedTable } from '../components/PagedTable';
import { usePagedQuery } from '../components/usePagedQuery';
import { HashText } from './FilesPage';

function AddEntryForm() {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'sha256' | 'pattern'>('pattern');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [pending, setPending] = useState<BlocklistCreate | undefined>();

  const review = (event: FormEvent) => {
    event.preventDefault();
    // The same schema the server validates with, so the message is the same too.
    const parsed = BlocklistCreateSchema.safeParse({ [kind]: value.trim(), reason });
    if (!parsed.success) {
      setError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; '));
      return;
    }
    setError(undefined);
    setPending(parsed.data);
  };

  return (
    <Paper withBorder radius="md" p="md" mb="md">
      <form onSubmit={review}>
        <Group align="flex-end" wrap="wrap">
          <SegmentedControl
            value={kind}
            onChange={(next) => setKind(next as 'sha256' | 'pattern')}
            data={[
              { value: 'pattern', label: 'Name pattern' },
              { value: 'sha256', label: 'SHA-256' },
            ]}
          />
          <TextInput
            label={kind === 'pattern' ? 'Pattern' : 'SHA-256'}
            placeholder={kind === 'pattern' ? '*.exe, or part of a name' : '64 hexadecimal digits'}
            value={value}
            onChange={(event) => setValue(event.currentTarget.value)}
            style={{ flex: 2, minWidth: 220 }}
            ff={kind === 'sha256' ? 'monospace' : undefined}
          />
          <TextInput label="Reason" value={reason} onChange={(event) => setReason(event.currentTarget.value)} style={{ flex: 2, minWidth: 200 }} maxLength={500} />
          <Button type="submit" color="grape">
            Add to blocklist
          </Button>
        </Group>
        {error && (
          <Alert color="red" variant="light" mt="sm" role="alert">
            {error}
          </Alert>
        )}
      </form>
      <ActionModal
        opened={pending !== undefined}
        onClose={() => setPending(undefined)}
        title="Add to the blocklist"
        description={
          pending?.pattern
            ? `Files whose names match “${pending.pattern}” can no longer be shared, and those in the index now are removed. A broad pattern removes a lot.`
            : `This content (${pending?.sha256 ? shortHash(pending.sha256) : ''}) can no longer be shared under any name, and current copies leave the index.`
        }
        confirmLabel="Block"
        color="grape"
        onConfirm={async () => {
          const entry = await api.block(pending!);
          notifications.show({ color: 'green', message: `Blocked${entry.purged !== undefined ? `; ${entry.purged} index entries removed` : ''}.` });
          setValue('');
          setReason('');
          void queryClient.invalidateQueries({ queryKey: ['blocklist'] });
        }}
      />
    </Paper>
  );
}

export function BlocklistPage() {
  const queryClient = useQueryClient();
  const pager = usePagedQuery(['blocklist'], (cursor) => api.blocklist({ cursor, limit: 50 }));
  const [removing, setRemoving] = useState<BlocklistEntryView | undefined>();

  return (
    <Stack gap={0}>
      <PageHeader title="Blocklist" description="Content nobody may share: exact files by hash, or names matching a pattern (case-insensitive; * and ? as wildcards)." />
      <AddEntryForm />
      <PagedTable
        pager={pager}
        what="Blocklist"
        empty="The blocklist is empty."
        head={
          <Table.Tr>
            <Table.Th>Blocked</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Added by</Table.Th>
            <Table.Th>Added</Table.Th>
            <Table.Th ta="right">Actions</Table.Th>
          </Table.Tr>
        }
        rows={pager.items.map((entry) => (
          <Table.Tr key={entry.id}>
            <Table.Td>
              {entry.sha256 ? (
                <HashText sha256={entry.sha256} />
              ) : (
                <Text size="sm" ff="monospace">
                  {entry.pattern}
                </Text>
              )}
            </Table.Td>
            <Table.Td maw={360}>
              <Text size="sm" style={{ wordBreak: 'break-word' }}>
                {entry.reason}
              </Text>
            </Table.Td>
            <Table.Td>{entry.createdBy.username}</Table.Td>
            <Table.Td>{formatDateTime(entry.createdAt)}</Table.Td>
            <Table.Td ta="right">
              <Button size="xs" variant="default" onClick={() => setRemoving(entry)}>
                Remove
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      />
      <ActionModal
        opened={removing !== undefined}
        onClose={() => setRemoving(undefined)}
        title="Remove from the blocklist"
        description={`Peers may share ${removing?.pattern ? `files named like “${removing.pattern}”` : 'this content'} again. Files removed when it was added do not come back by themselves.`}
        confirmLabel="Remove entry"
        onConfirm={async () => {
          await api.unblock(removing!.id);
          notifications.show({ color: 'green', message: 'Blocklist entry removed.' });
          void queryClient.invalidateQueries({ queryKey: ['blocklist'] });
        }}
      />
    </Stack>
  );
}
