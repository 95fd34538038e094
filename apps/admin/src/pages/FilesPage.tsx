import { ActionIcon, Badge, Button, CopyButton, Group, Paper, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy, IconSearch } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { SearchResult } from '@contracts/search';
import { api } from '../api/endpoints';
import { ActionModal } from '../components/ActionModal';
import { EmptyRow } from '../components/DataState';
import { formatBytes, shortHash } from '../components/format';
import { PageHeader } from '../components/Layout';
import { PagedTable } from '../components/PagedTable';
import { usePagedQuery } from '../components/usePagedQuery';

export function HashText({ sha256 }: { sha256: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm" ff="monospace" title={sha256}>
        {shortHash(sha256)}
      </Text>
      <CopyButton value={sha256}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy SHA-256'} withArrow>
            <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} size="sm" onClick={copy} aria-label="Copy SHA-256">
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

export function FilesPage() {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const [q] = useDebouncedValue(search.trim(), 400);
  const pager = usePagedQuery(
    ['search', q],
    async (cursor) => {
      const response = await api.search({ q, cursor, limit: 50 });
      return { items: response.results, nextCursor: response.nextCursor };
    },
    { enabled: q !== '' },
  );
  const [removing, setRemoving] = useState<SearchResult | undefined>();
  const [blocking, setBlocking] = useState<SearchResult | undefined>();

  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['search'] });

  return (
    <Stack gap={0}>
      <PageHeader title="Files" description="Search the index, take files down and block them from being shared again.">
        <TextInput
          placeholder="Search file names"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            setParams(event.currentTarget.value.trim() ? { q: event.currentTarget.value.trim() } : {}, { replace: true });
          }}
          w={320}
          aria-label="Search files"
        />
      </PageHeader>
      {q === '' ? (
        <Paper withBorder radius="md">
          <EmptyRow>Type part of a file name to search what peers share right now.</EmptyRow>
        </Paper>
      ) : (
        <PagedTable
          pager={pager}
          what="Search results"
          empty={`Nothing shared matches “${q}”.`}
          head={
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>SHA-256</Table.Th>
              <Table.Th>Sources</Table.Th>
              <Table.Th ta="right">Actions</Table.Th>
            </Table.Tr>
          }
          rows={pager.items.map((file) => (
            <Table.Tr key={file.sha256}>
              <Table.Td maw={360}>
                <Text size="sm" fw={500} style={{ wordBreak: 'break-all' }}>
                  {file.name}
                </Text>
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatBytes(file.size)}</Table.Td>
              <Table.Td>
                <Badge variant="light" color="gray">
                  {file.type}
                </Badge>
              </Table.Td>
              <Table.Td>
                <HashText sha256={file.sha256} />
              </Table.Td>
              <Table.Td>{file.sourceCount}</Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end" wrap="nowrap">
                  <Button size="xs" color="red" variant="light" onClick={() => setRemoving(file)}>
                    Remove
                  </Button>
                  <Button size="xs" color="grape" variant="light" onClick={() => setBlocking(file)}>
                    Blocklist
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        />
      )}
      <ActionModal
        opened={removing !== undefined}
        onClose={() => setRemoving(undefined)}
        title="Remove from the index"
        description={`“${removing?.name ?? ''}” (${removing ? shortHash(removing.sha256) : ''}) disappears from every peer’s share list now. Peers can publish it again unless it is also blocklisted.`}
        confirmLabel="Remove"
        text={{ label: 'Reason (optional)', maxLength: 500 }}
        onConfirm={async (reason) => {
          await api.removeFile(removing!.sha256, reason);
          notifications.show({ color: 'green', message: `“${removing!.name}” was removed from the index.` });
          refresh();
        }}
      />
      <ActionModal
        opened={blocking !== undefined}
        onClose={() => setBlocking(undefined)}
        title="Add to the blocklist"
        description={`Nobody can share this content (${blocking ? shortHash(blocking.sha256) : ''}) any more, under any name; current copies leave the index.`}
        confirmLabel="Block"
        color="grape"
        text={{ label: 'Reason', required: true, maxLength: 500 }}
        onConfirm={async (reason) => {
          const entry = await api.block({ sha256: blocking!.sha256, reason: reason ?? '' });
          notifications.show({ color: 'green', message: `Blocked${entry.purged !== undefined ? `; ${entry.purged} index entries removed` : ''}.` });
          refresh();
          void queryClient.invalidateQueries({ queryKey: ['blocklist'] });
        }}
      />
    </Stack>
  );
}
