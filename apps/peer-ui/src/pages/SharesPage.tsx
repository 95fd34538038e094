import { Alert, Button, Group, Paper, Progress, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFolderPlus } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api';
import { countOf, formatBytes } from '../format';
import { Empty, PageHeader } from '../Layout';
import { useLive } from '../live';

export function SharesPage() {
  const { shares } = useLive();
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await api('POST', '/shares', { path: path.trim() });
      notifications.show({ color: 'teal', message: `Sharing ${path.trim()}: its files are hashed and published in a moment` });
      setPath('');
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (folder: string) => {
    try {
      await api('DELETE', '/shares', { path: folder });
      notifications.show({ message: `Stopped sharing ${folder}` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Not removed', message: describeError(error) });
    }
  };

  return (
    <>
      <PageHeader title="Shares" description="Folders whose files others can find and download from you." />
      <Paper withBorder p="md" mb="md">
        <form onSubmit={(event) => void add(event)}>
          <Group align="flex-end" wrap="wrap">
            <TextInput
              label="Share a folder"
              description="Its full path on this computer, e.g. /home/me/Music"
              placeholder="/home/me/Music"
              value={path}
              onChange={(event) => setPath(event.currentTarget.value)}
              error={problem}
              style={{ flex: '1 1 18rem' }}
            />
            <Button type="submit" leftSection={<IconFolderPlus size={16} />} loading={busy} disabled={path.trim() === ''}>
              Share
            </Button>
          </Group>
        </form>
      </Paper>
      {shares?.hashing && (
        <Alert color="blue" mb="md" title="Hashing new and changed files" data-testid="hashing">
          <Text size="sm">
            {shares.hashing.filesDone} of {countOf(shares.hashing.filesTotal, 'file')}: {shares.hashing.currentPath}
          </Text>
          <Progress mt="xs" value={shares.hashing.filesTotal ? (shares.hashing.filesDone / shares.hashing.filesTotal) * 100 : 0} />
        </Alert>
      )}
      <Paper withBorder mb="md">
        <Table.ScrollContainer minWidth={480}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Folder</Table.Th>
                <Table.Th>Files</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shares?.folders.map((folder) => (
                <Table.Tr key={folder.path} data-testid="share">
                  <Table.Td style={{ wordBreak: 'break-all' }}>
                    {folder.path}
                    {!folder.present && (
                      <Text span c="red" size="sm">
                        {' '}
                        (missing)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{countOf(folder.files, 'file')}</Table.Td>
                  <Table.Td>{formatBytes(folder.bytes)}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" color="red" onClick={() => void remove(folder.path)} aria-label={`Stop sharing ${folder.path}`}>
                      Stop sharing
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {shares && shares.folders.length === 0 && <Empty>Nothing is shared yet. Type the path of a folder above to share its files.</Empty>}
        {shares && shares.folders.length > 0 && (
          <Text size="xs" c="dimmed" p="xs">
            {countOf(shares.files, 'file')} published, {formatBytes(shares.bytes)} in all
          </Text>
        )}
      </Paper>
      {shares && shares.refused.length + shares.skipped.length > 0 && (
        <>
          <Title order={4} mb="xs">
            Not shared
          </Title>
          <Paper withBorder>
            <Table>
              <Table.Tbody>
                {[...shares.refused.map((file) => ({ ...file, by: 'refused by the server' })), ...shares.skipped.map((file) => ({ ...file, by: 'skipped here' }))].map((file) => (
                  <Table.Tr key={`${file.by}:${file.path}`} data-testid="refused">
                    <Table.Td style={{ wordBreak: 'break-all' }}>{file.path}</Table.Td>
                    <Table.Td>
                      {file.by}: {file.reason}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </>
      )}
    </>
  );
}
