import { createProviderMarker } from '../../common/registry/provider-marker';

/** Marks a class as a ClientAuthenticationMethod for the ClientAuthenticationRegistry to discover; it makes it injectable too. */
export const ClientAuthenticationMethodProvider = createProviderMarker();
