export interface PackTarget {
  platform: string;
  os: string;
  arch: string;
  electronVersion?: string;
}
export interface NativeBuildPlan {
  electronVersion: string;
  stagingDir: string;
}
export function nativeBuildPlan(target: PackTarget, host?: { platform: string; arch: string }): NativeBuildPlan | Error;
export function packTarget(context: {
  arch: number;
  packager: { platform: { nodeName: string; buildConfigurationKey: string }; config: { electronVersion?: string | null } };
}): PackTarget;
export default function beforePack(context: unknown): Promise<void>;
