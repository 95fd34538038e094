import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { session } from './api/session';
import { useSession } from './api/useSession';
import { LoadingState } from './components/DataState';
import { Layout } from './components/Layout';
import { AuditPage } from './pages/AuditPage';
import { BlocklistPage } from './pages/BlocklistPage';
import { DashboardPage } from './pages/DashboardPage';
import { FilesPage } from './pages/FilesPage';
import { LoginPage } from './pages/LoginPage';
import { ReportsPage } from './pages/ReportsPage';
import { SessionsPage } from './pages/SessionsPage';
import { UsersPage } from './pages/UsersPage';

const router = createBrowserRouter(
  [
    {
      element: <Layout />,
      children: [
        { index: true, element: <DashboardPage /> },
        { path: 'users', element: <UsersPage /> },
        { path: 'sessions', element: <SessionsPage /> },
        { path: 'files', element: <FilesPage /> },
        { path: 'blocklist', element: <BlocklistPage /> },
        { path: 'reports', element: <ReportsPage /> },
        { path: 'audit', element: <AuditPage /> },
        { path: '*', element: <Navigate to="/" replace /> },
      ],
    },
  ],
  { basename: '/admin' },
);

export function App() {
  const state = useSession();
  const queryClient = useQueryClient();
  useEffect(() => {
    void session.restore();
  }, []);
  // Whoever signs in next must not see what the previous moderator loaded.
  useEffect(() => {
    if (state.status === 'signed-out') queryClient.clear();
  }, [state.status, queryClient]);

  if (state.status === 'restoring') return <LoadingState />;
  if (state.status === 'signed-out') return <LoginPage notice={state.message} />;
  return <RouterProvider router={router} />;
}
