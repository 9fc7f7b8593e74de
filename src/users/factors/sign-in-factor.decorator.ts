import { createProviderMarker } from '../../common/registry/provider-marker';

/** Marks a SignInFactor provider for the SignInFactorRegistry; it makes it injectable too. */
export const SignInFactorProvider = createProviderMarker();
