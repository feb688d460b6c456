/** Vite's `?inline` imports: a stylesheet as a string, for adopting into a shadow root. */
declare module '*.css?inline' {
  const css: string;
  export default css;
}
