import { Alert, Button, Group, Paper, Table, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { BrowseResponse } from '@contracts/search';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, describeError } from '../api';
import { countOf, formatBytes } from '../format';
import { Empty, PageHeader } from '../Layout';
import { downloadFiles } from '../transfers';

export function BrowsePage() {
  const { username } = useParams();
  const navigate = useNavigate();
  const [typed, setTyped] = useState(username ?? '');
  const files = useQuery({
    queryKey: ['browse', username],
    queryFn: () => api<BrowseResponse>('GET', `/users/${encodeURIComponent(username!)}/files`),
    enabled: Boolean(username),
  });
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (typed.trim()) void navigate(`/browse/${encodeURIComponent(typed.trim())}`);
  };
  return (
    <>
      <PageHeader title="Browse a user" description="Everything one online user shares." />
      <Paper withBorder p="md" mb="md">
        <form onSubmit={open}>
          <Group align="flex-end">
            <TextInput label="Username" value={typed} onChange={(event) => setTyped(event.currentTarget.value)} style={{ flex: '1 1 12rem' }} />
            <Button type="submit" disabled={!typed.trim()}>
              Browse
            </Button>
          </Group>
        </form>
      </Paper>
      {files.error && (
        <Alert color="red" mb="md" title={`Cannot browse ${username}`}>
          {describeError(files.error)}
        </Alert>
      )}
      {!username && <Empty>Type the name of a user who is online to see the files they share.</Empty>}
      {files.data && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={480}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Path</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th aria-label="Actions" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {files.data.files.map((file) => (
                  <Table.Tr key={`${file.sessionId}:${file.path}`} data-testid="browse-file">
                    <Table.Td style={{ wordBreak: 'break-all' }}>{file.path}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatBytes(file.size)}</Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="light" onClick={() => void downloadFiles([file])} aria-label={`Download ${file.name}`}>
                        Download
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {files.data.files.length === 0 ? (
            <Empty>{files.data.username} shares nothing right now, or is not online.</Empty>
          ) : (
            <Empty>{countOf(files.data.files.length, 'file')}{files.data.nextCursor ? ' (the first ones)' : ''}</Empty>
          )}
        </Paper>
      )}
    </>
  );
}
