// Types for parse-prometheus-text-format 1.1 (it ships none): prom2json-compatible output.
declare module "parse-prometheus-text-format" {
  export interface Sample { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string; quantiles?: Record<string, string> }
  export interface MetricFamily { name: string; help: string; type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED"; metrics: Sample[] }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[];
}
