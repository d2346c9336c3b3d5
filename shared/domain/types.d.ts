declare module '@particle/device-constants' {
  export const platformsById: Record<number, unknown>;
  export const platforms: Record<string, unknown>;
  export const PlatformId: Record<string, number>;
}
