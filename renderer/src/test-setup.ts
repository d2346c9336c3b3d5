import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { setApiForTests } from './api';

// Each component test gets a fresh DOM and must inject its own fake ApiClient.
afterEach(() => {
  cleanup();
  setApiForTests(null);
  localStorage.clear();
});
