import { Paper, ScrollArea, Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { EmptyRow, ErrorState, LoadingState } from './DataState';
import { CursorPagination } from './Pagination';
import type { Pager } from './usePagedQuery';

interface PagedTableProps {
  pager: Pager;
  /** what the rows are, for the error message ("Users") */
  what: string;
  empty: string;
  head: ReactNode;
  rows: ReactNode;
}

/** A table of one server page, with its loading, error and empty states and the pager. */
export function PagedTable({ pager, what, empty, head, rows }: PagedTableProps) {
  const { query } = pager;
  if (query.isPending) return <LoadingState />;
  if (query.isError) return <ErrorState error={query.error} what={what} onRetry={() => void query.refetch()} />;
  return (
    <>
      <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
        <ScrollArea>
          <Table striped highlightOnHover verticalSpacing="sm" horizontalSpacing="md" miw={720}>
            <Table.Thead>{head}</Table.Thead>
            <Table.Tbody style={{ opacity: query.isPlaceholderData ? 0.6 : 1 }}>{rows}</Table.Tbody>
          </Table>
        </ScrollArea>
        {pager.items.length === 0 && <EmptyRow>{empty}</EmptyRow>}
      </Paper>
      <CursorPagination pager={pager} />
    </>
  );
}
