import { Alert, Button, Checkbox, Group, Paper, Select, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronUp, IconDownload, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import type { SearchResponse, SearchResult } from '@contracts/search';
import { FILE_TYPES } from '@contracts/files';
import { parseByteSize } from '@contracts/units';
import { useMemo, useState } from 'react';
import { api, describeError } from '../api';
import { countOf, formatBytes } from '../format';
import { Empty, PageHeader } from '../Layout';
import { downloadFiles } from '../transfers';

type SortKey = 'name' | 'size' | 'type' | 'sources' | 'reachable';
const reachable = (result: SearchResult) => result.sources.filter((source) => !source.firewalled).length;
const SORTS: Record<SortKey, (a: SearchResult, b: SearchResult) => number> = {
  name: (a, b) => a.name.localeCompare(b.name),
  size: (a, b) => a.size - b.size,
  type: (a, b) => a.type.localeCompare(b.type),
  sources: (a, b) => a.sourceCount - b.sourceCount,
  reachable: (a, b) => reachable(a) - reachable(b),
};

export function SearchPage() {
  const [text, setText] = useState('');
  const [type, setType] = useState<string | null>(null);
  const [ext, setExt] = useState('');
  const [minSize, setMinSize] = useState('');
  const [maxSize, setMaxSize] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'sources', descending: true });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [filters] = useDebouncedValue({ q: text.trim(), type, ext: ext.trim(), minSize: minSize.trim(), maxSize: maxSize.trim() }, 300);

  const sizeProblem = [filters.minSize, filters.maxSize].some((size) => size !== '' && parseByteSize(size) === undefined);
  const params = new URLSearchParams({ q: filters.q, limit: '200' });
  if (filters.type) params.set('type', filters.type);
  if (filters.ext) params.set('ext', filters.ext);
  if (filters.minSize && parseByteSize(filters.minSize) !== undefined) params.set('minSize', String(parseByteSize(filters.minSize)));
  if (filters.maxSize && parseByteSize(filters.maxSize) !== undefined) params.set('maxSize', String(parseByteSize(filters.maxSize)));
  const search = useQuery({
    queryKey: ['search', params.toString()],
    queryFn: () => api<SearchResponse>('GET', `/search?${params}`),
    enabled: filters.q.length >= 2 && !sizeProblem,
  });
  const results = useMemo(() => {
    const rows = [...(search.data?.results ?? [])].sort(SORTS[sort.key]);
    return sort.descending ? rows.reverse() : rows;
  }, [search.data, sort]);

  const download = async (files: SearchResult[]) => {
    if (await downloadFiles(files)) setSelected(new Set());
  };
  const header = (key: SortKey, label: string) => (
    <Table.Th>
      <UnstyledButton onClick={() => setSort({ key, descending: sort.key === key ? !sort.descending : key !== 'name' })} aria-label={`Sort by ${label}`}>
        <Group gap={4} wrap="nowrap">
          <Text fw={600} size="sm">
            {label}
          </Text>
          {sort.key === key && (sort.descending ? <IconChevronDown size={14} /> : <IconChevronUp size={14} />)}
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
  const toggle = (sha256: string) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (next.has(sha256)) next.delete(sha256);
      else next.add(sha256);
      return next;
    });

  return (
    <>
      <PageHeader title="Search" description="Files shared by everyone online. Results appear as you type.">
        <Button leftSection={<IconDownload size={16} />} disabled={selected.size === 0} onClick={() => void download(results.filter((result) => selected.has(result.sha256)))}>
          Download {selected.size > 0 ? countOf(selected.size, 'file') : 'selected'}
        </Button>
      </PageHeader>
      <Paper p="md" withBorder mb="md">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="words of the file name, -word to exclude"
            leftSection={<IconSearch size={16} />}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            style={{ flex: '1 1 16rem' }}
            data-autofocus
            autoFocus
          />
          <Select label="Type" placeholder="any" clearable data={[...FILE_TYPES]} value={type} onChange={setType} w={130} />
          <TextInput label="Extensions" placeholder="mp3,flac" value={ext} onChange={(event) => setExt(event.currentTarget.value)} w={130} />
          <TextInput label="Min size" placeholder="e.g. 10MiB" value={minSize} onChange={(event) => setMinSize(event.currentTarget.value)} w={110} />
          <TextInput label="Max size" placeholder="e.g. 2GiB" value={maxSize} onChange={(event) => setMaxSize(event.currentTarget.value)} w={110} />
        </Group>
        {sizeProblem && (
          <Text c="red" size="sm" mt="xs">
            Sizes look like 700KiB, 10MiB or 1.5GiB.
          </Text>
        )}
      </Paper>
      {search.error && (
        <Alert color="red" mb="md" title="The search failed">
          {describeError(search.error)}
        </Alert>
      )}
      <Paper withBorder>
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40} aria-label="Select" />
                {header('name', 'Name')}
                {header('size', 'Size')}
                {header('type', 'Type')}
                {header('sources', 'Sources')}
                {header('reachable', 'Reachable')}
                <Table.Th aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {results.map((result) => (
                <Table.Tr key={result.sha256} data-testid="search-result">
                  <Table.Td>
                    <Checkbox aria-label={`Select ${result.name}`} checked={selected.has(result.sha256)} onChange={() => toggle(result.sha256)} />
                  </Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{result.name}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatBytes(result.size)}</Table.Td>
                  <Table.Td>{result.type}</Table.Td>
                  <Table.Td>{result.sourceCount >= 25 ? '25 or more' : result.sourceCount}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {reachable(result) > 0 ? `${reachable(result)} reachable` : 'firewalled only'}
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" onClick={() => void download([result])} aria-label={`Download ${result.name}`}>
                      Download
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {filters.q.length < 2 ? (
          <Empty>Type at least two letters of a file name to search everyone who is online.</Empty>
        ) : search.isFetching && !search.data ? (
          <Empty>Searching…</Empty>
        ) : search.data && results.length === 0 ? (
          <Empty>Nothing matches. Try fewer or shorter words, or remove a filter.</Empty>
        ) : search.data ? (
          <Text c="dimmed" size="xs" p="xs">
            {countOf(results.length, 'result')}
            {search.data.nextCursor ? ' (the first ones; narrow the search to see others)' : ''}
          </Text>
        ) : null}
      </Paper>
    </>
  );
}
