// Whether this Supabase project renders images (Storage image transformations): on until a render
// URL fails to load, then off for the rest of the page's life, so a project without the feature
// (a hosted plan that lacks it, or `[storage.image_transformation] enabled = false`) costs one
// failed request, not one per picture, and every picture falls back to its original.
export const imageTransforms = $state({ available: true });
