import { AppShell, Badge, Burger, Button, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconClipboardList,
  IconDashboard,
  IconFiles,
  IconFlag,
  IconLogout,
  IconPlugConnected,
  IconBan,
  IconUsers,
} from '@tabler/icons-react';
import { NavLink as RouterLink, Outlet } from 'react-router';
import { session } from '../api/session';
import { useCurrentUser } from '../api/useSession';

const PAGES = [
  { to: '/', label: 'Dashboard', icon: IconDashboard, end: true },
  { to: '/users', label: 'Users', icon: IconUsers },
  { to: '/sessions', label: 'Online sessions', icon: IconPlugConnected },
  { to: '/files', label: 'Files', icon: IconFiles },
  { to: '/blocklist', label: 'Blocklist', icon: IconBan },
  { to: '/reports', label: 'Reports', icon: IconFlag },
  { to: '/audit', label: 'Audit log', icon: IconClipboardList },
];

export function Layout() {
  const user = useCurrentUser();
  const [opened, { toggle, close }] = useDisclosure();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={4}>Peerdex</Title>
            <Text c="dimmed" size="sm" visibleFrom="xs">
              moderation
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" fw={500} data-testid="signed-in-user">
              {user.username}
            </Text>
            <Badge variant="light" color={user.role === 'admin' ? 'grape' : 'blue'}>
              {user.role}
            </Badge>
            <Button variant="subtle" size="xs" leftSection={<IconLogout size={16} />} onClick={() => void session.signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <ScrollArea>
          {PAGES.map(({ to, label, icon: Icon, end }) => (
            <NavLink key={to} component={RouterLink} to={to} end={end} label={label} leftSection={<Icon size={18} stroke={1.6} />} onClick={close} />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main bg="var(--mantine-color-gray-0)">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

export function PageHeader({ title, description, children }: { title: string; description?: string; children?: React.ReactNode }) {
  return (
    <Group justify="space-between" align="flex-end" mb="md" wrap="wrap">
      <div>
        <Title order={2}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm" mt={4}>
            {description}
          </Text>
        )}
      </div>
      {children}
    </Group>
  );
}
