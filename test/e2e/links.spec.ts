import type { Page } from '@playwright/test';
import { VIEWPORTS, expect, person, screenshot, test } from './fixtures.ts';

declare global {
  interface Window {
    /** Set once after a page load: still there after a click means the app navigated in place. */
    __ccSamePage?: boolean;
  }
}

const markPage = (page: Page) => page.evaluate(() => (window.__ccSamePage = true));
const samePage = (page: Page) => page.evaluate(() => window.__ccSamePage === true);

test('in-app links navigate without a page load, and a ctrl-click is left to the browser', async ({ browser, baseURL }) => {
  const { context, page } = await person(browser, baseURL!, VIEWPORTS.phone);

  await page.goto('/');
  await screenshot(page, 'landing-390x844');
  await markPage(page);
  await page.getByTestId('host-link').click();
  await expect(page).toHaveURL(/\/host$/);
  await expect(page.getByTestId('host-form')).toBeVisible();
  await page.getByRole('link', { name: '← ClusterClass' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('join-form')).toBeVisible();
  expect(await samePage(page)).toBe(true);

  // A ctrl-click opens the link in a new tab; this one stays where it is.
  const [opened] = await Promise.all([context.waitForEvent('page'), page.getByTestId('host-link').click({ modifiers: ['Control'] })]);
  await expect(opened).toHaveURL(/\/host$/);
  await expect(page).toHaveURL(/\/$/);
  await opened.close();

  // The server answers every app path with the app; the app knows no assignment by a short id.
  await page.goto('/a/short');
  await markPage(page);
  await page.getByRole('link', { name: 'Go to the start page' }).click();
  await expect(page.getByTestId('join-form')).toBeVisible();
  expect(await samePage(page)).toBe(true);
  await context.close();
});
