// The files the dashboard page loads, every one served by Myco itself (no CDN): the page's own
// files from host/dashboard/web/, and the two libraries it draws with, copied from
// node_modules into build/dashboard/vendor/ by `npm run build` (vendorDashboardAssets).
import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fromRoot } from "../package-root.ts";

/** The libraries: dagre lays out the dependency graph, uPlot draws the charts. */
export const VENDOR_ASSETS: Record<string, string> = {
  "dagre.min.js": "@dagrejs/dagre/dist/dagre.min.js",
  "uPlot.iife.min.js": "uplot/dist/uPlot.iife.min.js",
  "uPlot.min.css": "uplot/dist/uPlot.min.css",
};

/** The page's own files. */
export const PAGE_ASSETS = ["index.html", "app.js", "graph.js", "charts.js", "replay.js", "app.css"];

export const WEB_DIR = fromRoot("host", "dashboard", "web");
export const VENDOR_DIR = fromRoot("build", "dashboard", "vendor");

export const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/** Copies the libraries out of node_modules (part of `npm run build`). */
export async function vendorDashboardAssets(): Promise<void> {
  // By path: the packages' "exports" do not list their dist files.
  const modules = fromRoot("node_modules");
  await mkdir(VENDOR_DIR, { recursive: true });
  for (const [name, from] of Object.entries(VENDOR_ASSETS)) await copyFile(join(modules, from), join(VENDOR_DIR, name));
}
