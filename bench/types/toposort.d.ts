declare module "toposort" {
  function toposort<T>(edges: [T, T][]): T[];
  namespace toposort {
    function array<T>(nodes: T[], edges: [T, T][]): T[];
  }
  export default toposort;
}
