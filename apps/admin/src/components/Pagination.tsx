import { Button, Group, Text } from '@mantine/core';
import type { Pager } from './usePagedQuery';

export function CursorPagination({ pager }: { pager: Pick<Pager, 'pageNumber' | 'hasNext' | 'hasPrevious' | 'next' | 'previous' | 'query'> }) {
  if (!pager.hasPrevious && !pager.hasNext) return null;
  return (
    <Group justify="flex-end" gap="xs" mt="sm">
      <Text size="sm" c="dimmed">
        Page {pager.pageNumber}
      </Text>
      <Button size="xs" variant="default" disabled={!pager.hasPrevious} onClick={pager.previous}>
        Previous
      </Button>
      <Button size="xs" variant="default" disabled={!pager.hasNext} loading={pager.query.isFetching && pager.query.isPlaceholderData} onClick={pager.next}>
        Next
      </Button>
    </Group>
  );
}
