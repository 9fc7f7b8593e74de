import { createProviderMarker } from '../../common/registry/provider-marker';

/** Marks a class as a TokenBinding for the TokenBindingRegistry to discover; it makes it injectable too. */
export const TokenBindingProvider = createProviderMarker();
