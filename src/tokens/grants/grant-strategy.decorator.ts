import { createProviderMarker } from '../../common/registry/provider-marker';

/** Marks a class as a GrantStrategy for the GrantRegistry to discover; it makes it injectable too. */
export const GrantStrategyProvider = createProviderMarker();
